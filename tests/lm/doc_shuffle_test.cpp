#include "lm/doc_shuffle.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <numeric>

#include "data/h5_file.h"
#include "data/prepared_dataset.h"
#include "lm/rank_streams.h"

namespace parlance {
namespace {

// A tiny prepared split written with the HDF5 C API: token i has value i.
// Named after the test: ctest runs this binary's tests as parallel processes,
// and two of them creating one file fail on HDF5's file lock.
std::string write_split(const std::vector<int64_t>& lengths) {
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  auto path = (std::filesystem::temp_directory_path() / ("parlance_shuffle_" + test + ".h5")).string();
  std::vector<int64_t> offsets{0};
  for (auto l : lengths) offsets.push_back(offsets.back() + l);
  std::vector<int32_t> tokens(static_cast<size_t>(offsets.back()));
  std::iota(tokens.begin(), tokens.end(), 0);
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hid_t g = H5Gcreate2(f, "/train", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  auto put = [&](const char* name, hid_t type, const void* data, hsize_t n) {
    hid_t s = H5Screate_simple(1, &n, nullptr);
    hid_t d = H5Dcreate2(f, name, type, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    H5Dclose(d);
    H5Sclose(s);
  };
  put("/train/tokens", H5T_NATIVE_INT32, tokens.data(), tokens.size());
  put("/train/doc_offsets", H5T_NATIVE_INT64, offsets.data(), offsets.size());
  H5Gclose(g);
  H5Fclose(f);
  H5File w(path, H5File::Mode::ReadWrite);
  w.create_group(prepared::vocab_group(""));
  w.write_strings(prepared::itos(""), std::vector<std::string>(tokens.size(), "w"));  // every id in range
  w.set_attr("/", "format", prepared::kFormat);
  w.set_attr("/", "format_version", prepared::kFormatVersion);
  return path;
}

TEST(DocShuffle, OrderIsASeededPermutationThatChangesPerEpoch) {
  auto a = shuffled_doc_order(50, 7, 0), b = shuffled_doc_order(50, 7, 0), c = shuffled_doc_order(50, 7, 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  auto sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 50; ++i) EXPECT_EQ(sorted[static_cast<size_t>(i)], i);
}

TEST(DocShuffle, ReadsTheRangeOfTheShuffledConcatenation) {
  std::vector<int64_t> lengths{3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
  PreparedDataset f(write_split(lengths));
  auto offsets = f.doc_offsets("train");
  auto order = shuffled_doc_order(10, 1, 2);
  std::vector<int32_t> all;
  for (auto d : order)
    for (int64_t t = offsets[static_cast<size_t>(d)]; t < offsets[static_cast<size_t>(d) + 1]; ++t)
      all.push_back(static_cast<int32_t>(t));
  for (int64_t first : {0, 2, 7, 20})
    for (int64_t count : {1, 5, 19}) {
      if (first + count > static_cast<int64_t>(all.size())) continue;
      EXPECT_EQ(read_in_doc_order(f, "train", offsets, order, first, count),
                std::vector<int32_t>(all.begin() + first, all.begin() + first + count));
    }
}

TEST(DocShuffle, RanksTogetherSeeTheSingleRankShuffledEpoch) {
  std::vector<int64_t> lengths(40);
  for (size_t i = 0; i < lengths.size(); ++i) lengths[i] = static_cast<int64_t>(5 + i % 7);
  PreparedDataset f(write_split(lengths));
  const auto n = static_cast<int64_t>(f.n_tokens("train"));
  for (bool backwards : {false, true}) {
    auto one = RankStreams::load_shuffled(f, "train", plan_streams(n, 1, 0, 4, backwards), 4, 3, 5);
    auto r0 = RankStreams::load_shuffled(f, "train", plan_streams(n, 2, 0, 2, backwards), 2, 3, 5);
    auto r1 = RankStreams::load_shuffled(f, "train", plan_streams(n, 2, 1, 2, backwards), 2, 3, 5);
    auto len = one.stream_len() - 1;
    EXPECT_TRUE(torch::equal(one.inputs(0, len), torch::cat({r0.inputs(0, len), r1.inputs(0, len)}, 1)));
    auto plain = RankStreams::load(f, "train", plan_streams(n, 1, 0, 4, backwards), 4);
    EXPECT_FALSE(torch::equal(one.inputs(0, len), plain.inputs(0, len)));  // it did shuffle
  }
}

}  // namespace
}  // namespace parlance
