// fastai's LM preloader test, our way: on a corpus of consecutive integers,
// every column of every batch continues +1 from the previous batch, forward
// and backward, and ranks together see exactly what one rank sees.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <numeric>

#include "util/error.h"
#include "lm/bptt_schedule.h"
#include "lm/rank_streams.h"
#include "lm/stream_plan.h"

namespace parlance {
namespace {

std::vector<int32_t> iota_tokens(int64_t n) {
  std::vector<int32_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), 0);
  return v;
}

RankStreams streams_for(const std::vector<int32_t>& corpus, int world, int rank, int64_t bs, bool backwards) {
  StreamPlan p = plan_streams(static_cast<int64_t>(corpus.size()), world, rank, bs, backwards);
  std::vector<int32_t> mine(corpus.begin() + p.first, corpus.begin() + p.first + p.count);
  if (backwards) std::reverse(mine.begin(), mine.end());
  return RankStreams(mine, bs, p.stream_len);
}

void expect_contiguous_columns(const RankStreams& s, const std::vector<BpttStep>& steps, int step_sign) {
  torch::Tensor last;
  for (const auto& st : steps) {
    auto x = s.inputs(st.pos, st.seq_len), y = s.targets(st.pos, st.seq_len);
    ASSERT_EQ(x.size(1), s.bs());
    // Within a batch each column steps by one, and targets are inputs shifted by one.
    EXPECT_TRUE(torch::equal(y, x + step_sign));
    if (x.size(0) > 1) EXPECT_TRUE(torch::equal(x.narrow(0, 1, x.size(0) - 1) - x.narrow(0, 0, x.size(0) - 1),
                                                torch::full({x.size(0) - 1, s.bs()}, step_sign, torch::kInt64)));
    // Across batches each column continues where it stopped.
    if (last.defined()) EXPECT_TRUE(torch::equal(x[0], last + step_sign));
    last = x[x.size(0) - 1];
  }
}

TEST(RankStreams, ColumnsContinueAcrossBatchesForwardAndBackward) {
  auto corpus = iota_tokens(10007);
  for (bool backwards : {false, true}) {
    for (int world : {1, 2, 3}) {
      for (int rank = 0; rank < world; ++rank) {
        RankStreams s = streams_for(corpus, world, rank, 4, backwards);
        auto steps = bptt_steps(s.stream_len(), 70, true, 42, 0);
        expect_contiguous_columns(s, steps, backwards ? -1 : 1);
      }
    }
  }
}

TEST(RankStreams, RanksTogetherSeeTheSingleRankEpoch) {
  // -np 2 with bs=b per rank is -np 1 with bs=2b, column for column.
  auto corpus = iota_tokens(5003);
  for (bool backwards : {false, true}) {
    RankStreams one = streams_for(corpus, 1, 0, 6, backwards);
    RankStreams r0 = streams_for(corpus, 2, 0, 3, backwards), r1 = streams_for(corpus, 2, 1, 3, backwards);
    ASSERT_EQ(one.stream_len(), r0.stream_len());
    for (const auto& st : bptt_steps(one.stream_len(), 20, true, 7, 3)) {
      EXPECT_TRUE(torch::equal(one.inputs(st.pos, st.seq_len),
                               torch::cat({r0.inputs(st.pos, st.seq_len), r1.inputs(st.pos, st.seq_len)}, 1)));
      EXPECT_TRUE(torch::equal(one.targets(st.pos, st.seq_len),
                               torch::cat({r0.targets(st.pos, st.seq_len), r1.targets(st.pos, st.seq_len)}, 1)));
    }
  }
}

TEST(StreamPlan, RanksReadDisjointContiguousRanges) {
  int64_t n = 1000003, bs = 8;
  for (int world : {1, 2, 3, 4, 7}) {
    int64_t expect_first = 0;
    for (int r = 0; r < world; ++r) {
      StreamPlan p = plan_streams(n, world, r, bs, false);
      EXPECT_EQ(p.first, expect_first);
      EXPECT_EQ(p.count, bs * p.stream_len);
      expect_first += p.count;
    }
    EXPECT_LE(n - expect_first, world * bs);  // only the remainder is dropped
  }
  EXPECT_THROW(plan_streams(20, 4, 0, 4, false), UserError);
}

TEST(BpttSchedule, AwdLstmLengthsSharedSeedCoverage) {
  auto a = bptt_steps(100000, 70, true, 1, 0), b = bptt_steps(100000, 70, true, 1, 0);
  auto c = bptt_steps(100000, 70, true, 1, 1);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].seq_len, b[i].seq_len);  // same seed, same steps on every rank
  bool differs = a.size() != c.size();
  for (size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].seq_len != c[i].seq_len;
  EXPECT_TRUE(differs);  // a new epoch draws new lengths
  int64_t pos = 0, half = 0;
  double sum = 0;
  for (const auto& s : a) {
    EXPECT_EQ(s.pos, pos);
    EXPECT_GE(s.seq_len, &s == &a.back() ? 1 : 5);
    pos += s.seq_len;
    sum += static_cast<double>(s.seq_len);
    half += s.seq_len < 50;
  }
  EXPECT_LE(pos, 100000 - 1);
  EXPECT_GE(pos, 100000 - 2);
  EXPECT_NEAR(sum / static_cast<double>(a.size()), 0.95 * 70 + 0.05 * 35, 1.5);  // mean length
  EXPECT_NEAR(static_cast<double>(half) / static_cast<double>(a.size()), 0.05, 0.02);
  auto fixed = bptt_steps(1000, 70, false, 1, 0);
  EXPECT_EQ(fixed.front().seq_len, 70);
  EXPECT_EQ(fixed.back().pos + fixed.back().seq_len, 999);
}

}  // namespace
}  // namespace parlance
