#include "data/human_numbers.h"

#include <filesystem>
#include <fstream>

#include "util/atomic_file.h"
#include "util/error.h"

namespace parlance {

std::string number_to_words(int n) {
  static const char* kOnes[] = {"",        "one",     "two",       "three",    "four",     "five",    "six",
                                "seven",   "eight",   "nine",      "ten",      "eleven",   "twelve",  "thirteen",
                                "fourteen", "fifteen", "sixteen",  "seventeen", "eighteen", "nineteen"};
  static const char* kTens[] = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
  if (n < 1 || n > 9999) throw UserError("number_to_words: " + std::to_string(n) + " is outside 1..9999");
  std::string out;
  auto add = [&](const std::string& w) { out += (out.empty() ? "" : " ") + w; };
  if (n >= 1000) add(std::string(kOnes[n / 1000]) + " thousand"), n %= 1000;
  if (n >= 100) add(std::string(kOnes[n / 100]) + " hundred"), n %= 100;
  if (n >= 20) add(kTens[n / 10]), n %= 10;
  if (n > 0) add(kOnes[n]);
  return out;
}

void write_human_numbers(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UserError(dir + ": cannot create folder: " + ec.message());
  for (auto [name, lo, hi] : {std::tuple{"train.txt", 1, 8000}, std::tuple{"valid.txt", 8001, 9999}}) {
    std::string text;
    for (int i = lo; i <= hi; ++i) text += number_to_words(i) + "\n";
    write_file_atomically(dir + "/" + name, text);
  }
}

}  // namespace parlance
