#pragma once
// fastai v1's text rules (fastai.text.transform), byte-for-byte: the pre-rules
// rewrite the raw string before word tokenization, the post-rules rewrite the
// token list after it. Each is unit-tested against strings fastai produces.
#include <string>
#include <string_view>
#include <vector>

#include "text/token_list.h"

namespace parlance {

namespace tok {
inline constexpr const char* UNK = "xxunk";
inline constexpr const char* PAD = "xxpad";
inline constexpr const char* BOS = "xxbos";
inline constexpr const char* EOS = "xxeos";
inline constexpr const char* FLD = "xxfld";
inline constexpr const char* MAJ = "xxmaj";
inline constexpr const char* UP = "xxup";
inline constexpr const char* REP = "xxrep";
inline constexpr const char* WREP = "xxwrep";
// fastai's defaults.text_spec_tok, in vocabulary order.
inline const std::vector<std::string> kSpecials = {UNK, PAD, BOS, EOS, FLD, MAJ, UP, REP, WREP};
}  // namespace tok

// Pre-rules, in the order fastai applies them (defaults.text_pre_rules).
std::string fix_html(std::string_view x);
std::string replace_rep(std::string_view t);
std::string replace_wrep(std::string_view t);
std::string spec_add_spaces(std::string_view t);
std::string rm_useless_spaces(std::string_view t);
// All five in order.
std::string apply_pre_rules(std::string_view t);
// The same, appended to `out` (no allocation once `out` has grown).
void apply_pre_rules(std::string_view t, std::string& out);

// Post-rules (defaults.text_post_rules): replace_all_caps then deal_caps,
// fused into one pass that appends the result to `out`.
void apply_post_rules(const std::vector<std::string_view>& toks, TokenList& out);

}  // namespace parlance
