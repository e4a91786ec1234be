#include "translator/sentence_pairs.h"

#include <algorithm>

#include "data/prepared_dataset.h"
#include "util/error.h"

namespace parlance {

SpecialIds SpecialIds::of(const std::vector<std::string>& itos, const std::string& origin) {
  auto find = [&](const std::string& tok) {
    const auto it = std::find(itos.begin(), itos.end(), tok);
    if (it == itos.end())
      throw UserError(origin + ": the vocabulary has no " + tok + " token (prepare the data with the fastai tokenizer's specials)");
    return static_cast<int64_t>(it - itos.begin());
  };
  return {find("xxpad"), find("xxbos"), find("xxeos")};
}

void SentencePairs::add(const int32_t* src, int64_t n_src, const int32_t* tgt, int64_t n_tgt, const SpecialIds& s,
                        const SpecialIds& t) {
  src_.insert(src_.end(), src, src + n_src);
  if (n_src == 0 || src[n_src - 1] != s.eos) src_.push_back(static_cast<int32_t>(s.eos));
  src_off_.push_back(static_cast<int64_t>(src_.size()));
  src_len_.push_back(src_off_.back() - src_off_[src_off_.size() - 2]);
  if (n_tgt > 0 && tgt[0] == t.bos) ++tgt, --n_tgt;
  tgt_.insert(tgt_.end(), tgt, tgt + n_tgt);
  if (n_tgt == 0 || tgt[n_tgt - 1] != t.eos) tgt_.push_back(static_cast<int32_t>(t.eos));
  tgt_off_.push_back(static_cast<int64_t>(tgt_.size()));
  tgt_len_.push_back(tgt_off_.back() - tgt_off_[tgt_off_.size() - 2]);
}

SentencePairs SentencePairs::load(const PreparedDataset& data, const std::string& split,
                                  const std::string& source_stream, const SpecialIds& src_ids,
                                  const SpecialIds& tgt_ids) {
  const auto streams = data.streams();
  if (streams.size() != 2)
    throw UserError(data.path() + ": not a parallel dataset (the translator needs src and tgt streams; prepare it "
                    "with format = \"parallel_tsv\" or \"parallel_files\")");
  const std::string target_stream = source_stream == "src" ? "tgt" : "src";
  const auto s_off = data.doc_offsets(split, source_stream), t_off = data.doc_offsets(split, target_stream);
  const auto s_tok = data.tokens(split, 0, data.n_tokens(split, source_stream), source_stream);
  const auto t_tok = data.tokens(split, 0, data.n_tokens(split, target_stream), target_stream);
  if (s_off.size() != t_off.size())
    throw UserError(data.path() + ": split " + split + " has " + std::to_string(s_off.size() - 1) + " source but " +
                    std::to_string(t_off.size() - 1) + " target sentences");
  SentencePairs p;
  p.src_pad_ = src_ids.pad;
  p.tgt_pad_ = tgt_ids.pad;
  for (size_t i = 0; i + 1 < s_off.size(); ++i)
    p.add(s_tok.data() + s_off[i], s_off[i + 1] - s_off[i], t_tok.data() + t_off[i], t_off[i + 1] - t_off[i], src_ids,
          tgt_ids);
  return p;
}

SentencePairs SentencePairs::from_sources(const std::vector<std::vector<int64_t>>& sources, const SpecialIds& src_ids) {
  SentencePairs p;
  p.src_pad_ = p.tgt_pad_ = src_ids.pad;
  for (const auto& s : sources) {
    const std::vector<int32_t> ids(s.begin(), s.end());
    p.add(ids.data(), static_cast<int64_t>(ids.size()), nullptr, 0, src_ids, src_ids);
  }
  return p;
}

std::vector<int64_t> SentencePairs::source_tokens(int64_t i) const {
  const auto k = static_cast<size_t>(i);
  return {src_.begin() + src_off_[k], src_.begin() + src_off_[k + 1] - 1};
}

std::vector<int64_t> SentencePairs::target_tokens(int64_t i) const {
  const auto k = static_cast<size_t>(i);
  return {tgt_.begin() + tgt_off_[k], tgt_.begin() + tgt_off_[k + 1] - 1};
}

PairBatch SentencePairs::batch(const std::vector<int64_t>& idx, int64_t src_len, int64_t tgt_len) const {
  const auto n = static_cast<int64_t>(idx.size());
  for (int64_t i : idx) {
    src_len = std::max(src_len, src_len_[static_cast<size_t>(i)]);
    tgt_len = std::max(tgt_len, tgt_len_[static_cast<size_t>(i)]);
  }
  auto fill = [&](const std::vector<int32_t>& tok, const std::vector<int64_t>& off, int64_t len, int64_t pad) {
    torch::Tensor t = torch::full({len, n}, pad, torch::kInt64);
    auto a = t.accessor<int64_t, 2>();
    for (int64_t j = 0; j < n; ++j) {
      const auto k = static_cast<size_t>(idx[static_cast<size_t>(j)]);
      for (int64_t p = off[k]; p < off[k + 1]; ++p) a[p - off[k]][j] = tok[static_cast<size_t>(p)];
    }
    return t;
  };
  return {fill(src_, src_off_, src_len, src_pad_), fill(tgt_, tgt_off_, tgt_len, tgt_pad_)};
}

}  // namespace parlance
