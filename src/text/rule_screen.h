#pragma once
// Which of fastai's pre-rules could change a text, found in one pass before
// any of them runs. Most texts need none of them (a sentence, a review line),
// and running each rule's own scan cost more than tokenizing such a text.
//
// Invariant: a flag that is false guarantees the rules it names leave the
// text as it is; a true flag only says "run the rule" (the rule decides).
// The first four are exact; `repeat` may be true without a repeat.
#include <string_view>

namespace parlance {

// The characters fix_html's replacements search for (each replacement has
// one of them at a known offset): the screen, fix_html's own pre-scan and
// its per-rule skip all read this one list.
constexpr char kFixHtmlChars[] = {'#', ';', '\\', '<', '@', '&'};
constexpr unsigned kFixHtmlCharCount = sizeof kFixHtmlChars;

struct RuleScreen {
  bool html = false;          // one of kFixHtmlChars: fix_html's replacements
  bool double_space = false;  // "  ": rm_useless_spaces
  bool spaced = false;        // '/', '#' or '\n': spec_add_spaces
  bool repeat = false;        // maybe four equal characters in a row: replace_rep
};

// 16 bytes per step (text/byte_lanes.h).
RuleScreen screen_rules(std::string_view t);

}  // namespace parlance
