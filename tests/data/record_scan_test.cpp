#include "data/record_scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "data/shard_plan.h"
#include "util/error.h"

namespace parlance {
namespace {

std::string temp_file(const std::string& name, const std::string& contents) {
  auto path = std::filesystem::temp_directory_path() / ("parlance_test_" + name);
  std::ofstream(path, std::ios::binary) << contents;
  return path.string();
}

TEST(RecordScan, LineBoundaries) {
  std::string text = "aa\nbbb\n\ncc";
  auto p = temp_file("lines.txt", text);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Line, 0, 0), 0u);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Line, 1, 0), 3u);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Line, 3, 0), 3u);  // already at a line start
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Line, 4, 0), 7u);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Line, 9, 0), text.size());
}

TEST(RecordScan, CsvNewlinesInsideQuotesDoNotEndRecords) {
  std::string text = "h1,h2\n1,\"a\nb\"\"\nc\"\n2,x\n";
  auto p = temp_file("q.csv", text);
  uint64_t begin = csv_data_begin(p, true, 1 << 20);
  EXPECT_EQ(begin, 6u);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Csv, 2, begin), 6u);
  for (uint64_t off = 7; off <= 18; ++off)  // anywhere inside record 1 (bytes 6..17) → record 2
    EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Csv, off, begin), 18u) << off;
}

TEST(RecordScan, WikiTextHeadings) {
  EXPECT_TRUE(is_level1_heading(" = Valkyria Chronicles III = "));
  EXPECT_FALSE(is_level1_heading(" = = Gameplay = = "));
  EXPECT_FALSE(is_level1_heading(" The = sign = "));
  std::string text = " \n = A = \n x \n = = Sub = = \n y \n = B = \n z \n";
  auto p = temp_file("wiki.txt", text);
  size_t b = text.find(" = B = ");
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Heading, 3, 0), b);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Heading, b, 0), b);
  EXPECT_EQ(next_record_start(p, text.size(), RecordKind::Heading, b + 1, 0), text.size());
}

TEST(ChunkReader, BlocksHoldWholeRecordsWhateverTheChunkSize) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i) + "\n";
  auto p = temp_file("chunks.txt", text);
  for (uint64_t chunk : {1u, 7u, 64u, 100000u}) {
    ChunkReader r(p, 0, text.size(), RecordKind::Line, chunk, 1 << 20);
    std::string_view block;
    uint64_t off, expect = 0;
    std::string joined;
    while (r.next(&block, &off)) {
      EXPECT_EQ(off, expect);
      EXPECT_EQ(block.back(), '\n');
      joined += block;
      expect += block.size();
    }
    EXPECT_EQ(joined, text) << chunk;
  }
}

TEST(ChunkReader, OverlongRecordIsAnError) {
  std::string text = "short\n" + std::string(5000, 'x') + "\n";
  auto p = temp_file("long.txt", text);
  ChunkReader r(p, 0, text.size(), RecordKind::Line, 1024, 2048);
  std::string_view block;
  uint64_t off;
  EXPECT_TRUE(r.next(&block, &off));
  try {
    r.next(&block, &off);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("byte 6 (line 2) is longer than prep.max_record_mb"), std::string::npos)
        << e.what();
  }
}

TEST(ShardPlan, SharesTileTheCorpusOnRecordBoundaries) {
  Corpus c;
  c.record = RecordKind::Line;
  std::string all;
  for (int f = 0; f < 4; ++f) {
    std::string text;
    for (int i = 0; i < 10 + 30 * f; ++i) text += std::string(static_cast<size_t>(i % 13 + 1), 'a' + f) + "\n";
    auto p = temp_file("share" + std::to_string(f) + ".txt", text);
    c.sources.push_back({p, text.size(), c.total_bytes, 0, ""});
    c.total_bytes += text.size();
    all += text;
  }
  std::vector<uint64_t> begins(c.sources.size(), 0);
  for (int world = 1; world <= 9; ++world) {
    std::string seen;
    for (int r = 0; r < world; ++r) {
      for (const auto& fr : rank_share(c, begins, r, world)) {
        const auto& s = c.sources[fr.source];
        if (fr.begin > 0) {
          EXPECT_EQ(all[s.start + fr.begin - 1], '\n');  // starts right after a newline
        }
        seen += all.substr(s.start + fr.begin, fr.end - fr.begin);
      }
    }
    EXPECT_EQ(seen, all) << "world " << world;  // every byte once, in order
  }
}

}  // namespace
}  // namespace parlance
