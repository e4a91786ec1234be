// Prints parlance's corpus BLEU of each set in a file: lines
// "hypothesis<TAB>reference" (tokens separated by spaces), sets separated by
// blank lines. Driven by bleu_vs_nltk.py.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "translator/bleu.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: bleu_tool SETS.tsv\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  auto words = [](const std::string& s) {
    std::vector<std::string> w;
    std::istringstream ss(s);
    for (std::string t; ss >> t;) w.push_back(t);
    return w;
  };
  parlance::BleuStats stats;
  bool any = false;
  std::string line;
  auto flush = [&] {
    if (any) std::printf("%.15g\n", stats.score());
    stats = parlance::BleuStats();
    any = false;
  };
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    const size_t tab = line.find('\t');
    stats.add(words(line.substr(0, tab)), words(line.substr(tab + 1)));
    any = true;
  }
  flush();
  return 0;
}
