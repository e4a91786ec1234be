#include "text/english_exceptions.h"

#include <bitset>
#include <deque>
#include <algorithm>
#include <string>
#include <unordered_map>

namespace parlance {
namespace {

// Every word of a corpus is looked up, and almost none is an exception: a
// 4 KB bitmap of (first byte, last byte, length), each folded to 5 bits, that
// any key sets rejects most words before hashing (≈ 10% of prep's tokenize
// time otherwise).
size_t shape(std::string_view s) {
  const auto fold = [](char c) { return static_cast<size_t>(static_cast<unsigned char>(c) & 31u); };
  return (fold(s.front()) << 10) | (fold(s.back()) << 5) | std::min<size_t>(s.size(), 31);
}

// Looked up by string_view (no allocation per lookup); the keys' characters
// live in `text`.
struct Table {
  std::deque<std::string> text;
  std::unordered_map<std::string_view, std::vector<uint8_t>> pieces;
  std::bitset<32 * 32 * 32> shapes;
  void set(std::string whole, std::vector<uint8_t> lengths) {
    auto it = pieces.find(whole);
    if (it != pieces.end()) {
      it->second = std::move(lengths);
      return;
    }
    text.push_back(std::move(whole));
    shapes.set(shape(text.back()));
    pieces.emplace(text.back(), std::move(lengths));
  }
  void erase(std::string_view whole) { pieces.erase(whole); }
};

std::string title(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// `pieces` concatenated is the exception; each piece becomes one token.
void add(Table& t, std::initializer_list<std::string> pieces) {
  std::string whole;
  std::vector<uint8_t> lengths;
  for (const auto& p : pieces) whole += p, lengths.push_back(static_cast<uint8_t>(p.size()));
  t.set(std::move(whole), std::move(lengths));
}

// word + clitic, lower and title case, with and without the apostrophe
// ("you're", "You're", "youre", "Youre").
void add_clitic(Table& t, const std::string& word, const std::string& clitic) {
  const std::string bare = clitic[0] == '\'' ? clitic.substr(1) : clitic;
  for (const std::string& w : {word, title(word)}) {
    add(t, {w, clitic});
    add(t, {w, bare});
  }
}

void add_pronouns_and_wh_words(Table& t) {
  add_clitic(t, "i", "'m");
  for (const std::string& w : {std::string("i"), std::string("I")}) {  // I'ma: I 'm a
    add(t, {w, "'m", "a"});
    add(t, {w, "m", "a"});
  }
  for (const char* p : {"i", "you", "he", "she", "it", "we", "they"}) {
    add_clitic(t, p, "'ll");
    add_clitic(t, p, "'d");
    for (const std::string& w : {std::string(p), title(p)}) {
      add(t, {w, "'ll", "'ve"});
      add(t, {w, "ll", "ve"});
      add(t, {w, "'d", "'ve"});
      add(t, {w, "d", "ve"});
    }
  }
  for (const char* p : {"i", "you", "we", "they"}) add_clitic(t, p, "'ve");
  for (const char* p : {"you", "we", "they"}) add_clitic(t, p, "'re");
  for (const char* p : {"he", "she", "it"}) add_clitic(t, p, "'s");
  for (const char* w : {"who", "what", "when", "where", "why", "how", "there", "that"}) {
    for (const char* c : {"'s", "'ll", "'re", "'ve", "'d"}) add_clitic(t, w, c);
    for (const std::string& x : {std::string(w), title(w)}) {
      add(t, {x, "'ll", "'ve"});
      add(t, {x, "ll", "ve"});
      add(t, {x, "'d", "'ve"});
      add(t, {x, "d", "ve"});
    }
  }
}

void add_verbs(Table& t) {
  for (const char* v : {"ca", "could", "do", "does", "did", "had", "may", "might", "must", "need", "ought", "sha",
                        "should", "wo", "would"})
    for (const std::string& w : {std::string(v), title(v)}) {
      add(t, {w, "n't"});
      add(t, {w, "nt"});
      add(t, {w, "n't", "'ve"});
      add(t, {w, "nt", "ve"});
    }
  for (const char* v : {"could", "might", "must", "should", "would"}) add_clitic(t, v, "'ve");
  for (const char* v : {"ai", "are", "is", "was", "were", "have", "has", "dare"})
    for (const std::string& w : {std::string(v), title(v)}) {
      add(t, {w, "n't"});
      add(t, {w, "nt"});
    }
}

void add_words(Table& t) {
  // Dropped g's, with and without the apostrophe, lower and title case.
  for (const char* w : {"doin", "goin", "nothin", "nuthin", "ol", "somethin", "lovin", "havin"})
    for (const std::string& x : {std::string(w), title(w)}) {
      add(t, {x});
      add(t, {x + "'"});
    }
  for (const char* w : {"cause", "em", "ll", "nuff"}) {  // leading apostrophe
    add(t, {w});
    add(t, {std::string("'") + w});
  }
  for (const char* w : {"'S", "'s", "\u2018S", "\u2018s", "and/or", "w/o", "'re", "'Cause", "'cos", "'Cos", "'coz",
                        "'Coz", "'cuz", "'Cuz", "'bout", "ma'am", "Ma'am", "o'clock", "O'clock", "'d"})
    add(t, {w});
  for (int h = 1; h <= 12; ++h)
    for (const char* period : {"a.m.", "am", "p.m.", "pm"}) add(t, {std::to_string(h), period});
  add(t, {"y'", "all"});
  add(t, {"y", "all"});
  for (const std::string& h : {std::string("how"), std::string("How")}) add(t, {h, "'d", "'y"});
  for (const std::string& n : {std::string("not"), std::string("Not")}) {
    add(t, {n, "'ve"});
    add(t, {n, "ve"});
  }
  add(t, {"can", "not"});
  add(t, {"Can", "not"});
  add(t, {"gon", "na"});
  add(t, {"Gon", "na"});
  add(t, {"got", "ta"});
  add(t, {"Got", "ta"});
  add(t, {"let", "'s"});
  add(t, {"Let", "'s"});
}

void add_abbreviations(Table& t) {
  for (const char* a :
       {"Mt.", "Ak.", "Ala.", "Apr.", "Ariz.", "Ark.", "Aug.", "Calif.", "Colo.", "Conn.", "Dec.", "Del.", "Feb.",
        "Fla.", "Ga.", "Ia.", "Id.", "Ill.", "Ind.", "Jan.", "Jul.", "Jun.", "Kan.", "Kans.", "Ky.", "La.", "Mar.",
        "Mass.", "May.", "Mich.", "Minn.", "Miss.", "N.C.", "N.D.", "N.H.", "N.J.", "N.M.", "N.Y.", "Neb.", "Nebr.",
        "Nev.", "Nov.", "Oct.", "Okla.", "Ore.", "Pa.", "S.C.", "Sep.", "Sept.", "Tenn.", "Va.", "Wash.", "Wis.",
        "a.m.", "Adm.", "Bros.", "co.", "Co.", "Corp.", "D.C.", "Dr.", "e.g.", "E.g.", "E.G.", "Gen.", "Gov.", "i.e.",
        "I.e.", "I.E.", "Inc.", "Jr.", "Ltd.", "Md.", "Messrs.", "Mo.", "Mont.", "Mr.", "Mrs.", "Ms.", "p.m.", "Ph.D.",
        "Rep.", "Rev.", "Sen.", "St.", "vs."})
    add(t, {a});
}

// The language-independent part: quotes, C++, lowercase initials, emoticons.
void add_base(Table& t) {
  for (const char* w : {"'", "\\\")", "<space>", "''", "C++", "\u00e4.", "\u00f6.", "\u00fc.", "\\t", "\\n", "\u2014"})
    add(t, {w});
  for (char c = 'a'; c <= 'z'; ++c) add(t, {std::string(1, c) + "."});
  for (const char* e :
       {":)", ":-)", ":))", ":-))", ":)))", ":-)))", "(:", "(-:", "=)", "(=", "\")", ":]", ":-]", "[:", "[-:", ":o)",
        "(o:", ":}", ":-}", "8)", "8-)", "(-8", ";)", ";-)", "(;", "(-;", ":(", ":-(", ":((", ":-((", ":(((",
        ":-(((", "):", ")-:", "=(", ">:(", ":')", ":'-)", ":'(", ":'-(", ":/", ":-/", "=/", "=|", ":|", ":-|", ":1",
        ":P", ":-P", ":p", ":-p", ":O", ":-O", ":o", ":-o", ":0", ":-0", ":()", ">:o", ":*", ":-*", ":3", ":-3",
        "=3", ":>", ":->", ":X", ":-X", ":x", ":-x", ":D", ":-D", ";D", ";-D", "=D", "xD", "XD", "xDD", "XDD", "8D",
        "8-D", "^_^", "^__^", "^___^", ">.<", ">.>", "<.<", "._.", ";_;", "-_-", "-__-", "v.v", "V.V", "v_v", "V_V",
        "o_o", "o_O", "O_o", "O_O", "0_o", "o_0", "0_0", "o.O", "O.o", "O.O", "o.o", "0.0", "o.0", "0.o", "@_@",
        "<3", "<33", "<333", "</3", "(^_^)", "(-_-)", "(._.)", "(>_<)", "(*_*)", "(\u00ac_\u00ac)",
        "\u0ca0_\u0ca0", "\u0ca0\ufe35\u0ca0", "(\u0ca0_\u0ca0)", "\u00af\\(\u30c4)/\u00af",
        "(\u256f\u00b0\u25a1\u00b0\uff09\u256f\ufe35\u253b\u2501\u253b", "><(((*>"})
    add(t, {e});
}

const Table& table() {
  static const Table t = [] {
    Table x;
    add_base(x);
    add_pronouns_and_wh_words(x);
    add_verbs(x);
    add_words(x);
    add_abbreviations(x);
    // Words that look like contractions but are usually not (spaCy's _exclude).
    for (const char* w : {"Ill", "ill", "Its", "its", "Hell", "hell", "Shell", "shell", "Shed", "shed", "were", "Were",
                          "Well", "well", "Whore", "whore"})
      x.erase(w);
    return x;
  }();
  return t;
}

}  // namespace

const std::vector<uint8_t>* english_exception(std::string_view chunk) {
  const Table& t = table();
  if (chunk.empty() || !t.shapes.test(shape(chunk))) return nullptr;
  auto it = t.pieces.find(chunk);
  return it == t.pieces.end() ? nullptr : &it->second;
}

}  // namespace parlance
