#include "lm/rank_streams.h"

#include <algorithm>

#include "data/prepared_dataset.h"
#include "lm/doc_shuffle.h"
#include "util/error.h"

namespace parlance {

RankStreams::RankStreams(const std::vector<int32_t>& tokens, int64_t bs, int64_t stream_len) : bs_(bs) {
  if (static_cast<int64_t>(tokens.size()) != bs * stream_len)
    throw std::invalid_argument("RankStreams: expected bs * stream_len tokens");
  // (bs, L) row-major is the streams back to back; transpose to (L, bs).
  data_ = torch::from_blob(const_cast<int32_t*>(tokens.data()), {bs, stream_len}, torch::kInt32)
              .to(torch::kInt64)
              .t()
              .contiguous();
}

RankStreams RankStreams::load(const PreparedDataset& data, const std::string& split, const StreamPlan& plan, int64_t bs) {
  auto tokens = data.tokens(split, static_cast<uint64_t>(plan.first), static_cast<uint64_t>(plan.count));
  if (static_cast<int64_t>(tokens.size()) != plan.count)
    throw UserError("split " + split + ": expected " + std::to_string(plan.count) + " tokens from offset " +
                    std::to_string(plan.first) + ", read " + std::to_string(tokens.size()));
  if (plan.backwards) std::reverse(tokens.begin(), tokens.end());
  return RankStreams(tokens, bs, plan.stream_len);
}

RankStreams RankStreams::load_shuffled(const PreparedDataset& data, const std::string& split, const StreamPlan& plan, int64_t bs,
                                       uint64_t seed, uint64_t epoch) {
  auto offsets = data.doc_offsets(split);
  auto order = shuffled_doc_order(static_cast<int64_t>(offsets.size()) - 1, seed, epoch);
  auto tokens = read_in_doc_order(data, split, offsets, order, plan.first, plan.count);
  if (plan.backwards) std::reverse(tokens.begin(), tokens.end());
  return RankStreams(tokens, bs, plan.stream_len);
}

}  // namespace parlance
