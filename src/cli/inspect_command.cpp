#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/data_commands.h"
#include "data/h5_file.h"
#include "data/prepared_dataset.h"
#include "comm/mpi_world.h"

namespace parlance::cli {
namespace {

std::string decode(const std::vector<int32_t>& ids, const std::vector<std::string>& itos, bool chars) {
  std::string out;
  for (auto id : ids) {
    if (!out.empty() && !chars) out += ' ';
    out += id >= 0 && static_cast<size_t>(id) < itos.size() ? itos[static_cast<size_t>(id)] : "<bad id>";
  }
  return out;
}

int inspect(const std::string& path, const std::string& given_split, int64_t n_decode) {
  const std::string want_split = given_split.empty() ? "train" : given_split;
  PreparedDataset data(path);
  const H5File& f = data.file();
  auto splits = data.splits();
  auto streams = data.streams();
  // Checked before anything is printed, also without --decode: a mistyped
  // split should not pass unnoticed. (A file without a train split is
  // summarized as long as no split is asked for.)
  if (!given_split.empty() || n_decode > 0)
    for (const auto& s : streams) data.require_split(want_split, s);
  auto tok = nlohmann::json::parse(data.tokenizer_json());
  std::printf("%s: dataset \"%s\", tokenizer %s, written by parlance %s\n", path.c_str(), data.name().c_str(),
              tok["kind"].get<std::string>().c_str(), f.attr_string("/", "program_version").c_str());
  std::vector<std::vector<std::string>> itos;
  for (const auto& s : streams) {
    itos.push_back(data.itos(s));
    std::printf("vocab%s: %zu entries\n", s.empty() ? "" : (" (" + s + ")").c_str(), itos.back().size());
  }
  std::vector<std::string> classes;
  if (data.labelled()) classes = data.classes();
  for (const auto& split : splits) {
    for (size_t k = 0; k < streams.size(); ++k) {
      const std::string tokens = prepared::tokens(split, streams[k]);
      uint64_t n_tok = f.length(tokens), n_doc = f.length(prepared::doc_offsets(split, streams[k])) - 1;
      uint64_t unk = 0;
      constexpr uint64_t kSlice = 1 << 22;
      for (uint64_t off = 0; off < n_tok; off += kSlice)
        for (auto id : f.read<int32_t>(tokens, off, kSlice)) unk += id == 0;
      std::printf("%-8s%s %10llu docs %12llu tokens  unk %.3f%%\n", split.c_str(),
                  streams[k].empty() ? "" : (" " + streams[k]).c_str(), static_cast<unsigned long long>(n_doc),
                  static_cast<unsigned long long>(n_tok), n_tok ? 100.0 * static_cast<double>(unk) / static_cast<double>(n_tok) : 0.0);
    }
    if (f.exists(prepared::labels(split))) {
      auto labels = data.labels(split);
      std::vector<uint64_t> counts(classes.size() + 1, 0);
      for (auto l : labels) ++counts[l < 0 ? classes.size() : static_cast<size_t>(l)];
      std::printf("         labels:");
      for (size_t c = 0; c < classes.size(); ++c)
        std::printf(" %s %llu (%.1f%%)", classes[c].c_str(), static_cast<unsigned long long>(counts[c]),
                    labels.empty() ? 0.0 : 100.0 * static_cast<double>(counts[c]) / static_cast<double>(labels.size()));
      if (counts.back()) std::printf(" unlabelled %llu", static_cast<unsigned long long>(counts.back()));
      std::printf("\n");
    }
  }
  if (n_decode > 0) {
    const bool chars = tok["kind"] == "char";
    for (size_t k = 0; k < streams.size(); ++k) {
      auto ids = data.tokens(want_split, 0, static_cast<uint64_t>(n_decode), streams[k]);
      std::printf("--- first %zu tokens of %s%s ---\n%s\n", ids.size(), want_split.c_str(),
                  streams[k].empty() ? "" : (" (" + streams[k] + ")").c_str(), decode(ids, itos[k], chars).c_str());
    }
  }
  return 0;
}

}  // namespace

Command add_inspect(CLI::App& app) {
  struct Args {
    std::string file, split;  // empty: not given (decodes train)
    int64_t decode = 0;
  };
  auto a = std::make_shared<Args>();
  app.add_option("file", a->file, "prepared .h5 file")->required();
  app.add_option("--split", a->split, "split to decode from (default: train)");
  app.add_option("--decode", a->decode, "decode the first N tokens back to text");
  return [a] { return mpi::rank() == 0 ? inspect(a->file, a->split, a->decode) : 0; };
}

}  // namespace parlance::cli
