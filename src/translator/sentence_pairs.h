#pragma once
// A split of a parallel prepared dataset as (source, target) sentence pairs,
// in the direction the recipe chooses (train.direction: the prepared `src`
// stream translated into `tgt`, or the reverse — fr_en_questions_prep.toml
// stores English as `src`, and the lesson translates French into English).
// Every rank loads the whole split: the samplers need every length.
//
// Invariants: a source is the prepared sentence ending in xxeos (appended when
// prep did not add it, or truncation cut it); a target is the tokens the
// decoder must produce — the sentence without its leading xxbos, ending in
// xxeos. The decoder's first input is xxbos.
#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

class PreparedDataset;

struct PairBatch {
  torch::Tensor src;  // (S, n) int64, padded at the end (fastai's pre_pad=False)
  torch::Tensor tgt;  // (T, n) int64, padded at the end; T may be 0 for sources alone
};

// Ids the translator needs from a vocabulary, looked up by token.
struct SpecialIds {
  int64_t pad = 1, bos = 2, eos = 3;
  static SpecialIds of(const std::vector<std::string>& itos, const std::string& origin);  // UserError when one is absent
};

class SentencePairs {
 public:
  SentencePairs() = default;
  // `source_stream`: "src" or "tgt". Throws UserError naming the file when it
  // is not a parallel dataset or the split is absent.
  static SentencePairs load(const PreparedDataset& data, const std::string& split, const std::string& source_stream,
                            const SpecialIds& src_ids, const SpecialIds& tgt_ids);
  // Sources alone (translate), each made to end in xxeos.
  static SentencePairs from_sources(const std::vector<std::vector<int64_t>>& sources, const SpecialIds& src_ids);

  int64_t size() const { return static_cast<int64_t>(src_len_.size()); }
  const std::vector<int64_t>& src_lengths() const { return src_len_; }
  const std::vector<int64_t>& tgt_lengths() const { return tgt_len_; }
  std::vector<int64_t> source_tokens(int64_t i) const;  // without the final xxeos
  std::vector<int64_t> target_tokens(int64_t i) const;  // without the final xxeos
  // Pairs `idx` padded at the end (each side with its own xxpad) to at least
  // (src_len, tgt_len) positions.
  PairBatch batch(const std::vector<int64_t>& idx, int64_t src_len = 0, int64_t tgt_len = 0) const;

 private:
  void add(const int32_t* src, int64_t n_src, const int32_t* tgt, int64_t n_tgt, const SpecialIds& s,
           const SpecialIds& t);
  std::vector<int32_t> src_, tgt_;
  std::vector<int64_t> src_off_{0}, tgt_off_{0}, src_len_, tgt_len_;
  int64_t src_pad_ = 1, tgt_pad_ = 1;
};

}  // namespace parlance
