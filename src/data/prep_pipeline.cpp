#include "data/prep_pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "data/compressed_input.h"
#include "data/corpus.h"
#include "data/doc_parser.h"
#include "data/h5_file.h"
#include "data/prepared_dataset.h"
#include "data/source_sizes.h"
#include "data/input_hash.h"
#include "data/piece_interner.h"
#include "data/record_scan.h"
#include "data/shard_plan.h"
#include "data/spill_file.h"
#include "data/token_table.h"
#include "data/vocab.h"
#include "comm/mpi_world.h"
#include "text/fastai_rules.h"
#include "text/sentencepiece_model.h"
#include "text/tokenizer.h"
#include "util/folder_files.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// This rank's steps, each timed from the end of the one before (`prep
// --timings` prints rank 0's): they tile the run, so a step that does not
// shrink with ranks shows as such.
class StepClock {
 public:
  StepClock(std::vector<PrepSummary::Step>& steps, Clock::time_point start) : steps_(steps), last_(start) {}
  void done(const char* step) {
    const auto now = Clock::now();
    steps_.push_back({step, std::chrono::duration<double>(now - last_).count()});
    last_ = now;
  }

 private:
  std::vector<PrepSummary::Step>& steps_;
  Clock::time_point last_;
};

// This rank's tokens for one (split, stream): local ids on disk, lengths in memory.
struct StreamPart {
  std::unique_ptr<SpillFile> spill;
  std::vector<uint32_t> doc_lens;
};

struct LocalShard {
  std::vector<std::vector<StreamPart>> parts;  // [split][stream]
  std::vector<std::vector<uint32_t>> labels;   // [split] local label ids
  std::vector<TokenTable> tables;              // [stream]
  TokenTable label_table;
  uint64_t bytes = 0, repaired = 0;
  std::vector<std::pair<size_t, uint64_t>> file_hashes;  // (source, XXH64) of the files read whole
};

std::vector<uint64_t> data_begins(const Corpus& corpus, const PrepConfig& cfg) {
  std::vector<uint64_t> out(corpus.sources.size(), 0);
  if (corpus.record == RecordKind::Csv)
    for (size_t i = 0; i < out.size(); ++i)
      out[i] = csv_data_begin(corpus.sources[i].path, cfg.csv_header, static_cast<uint64_t>(cfg.max_record_bytes));
  return out;
}

uint64_t count_lines(const std::string& path, uint64_t size) {
  if (size == 0) return 0;
  uint64_t newlines = line_number_at(path, size) - 1;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  char last = '\n';
  if (f) {
    fseeko(f, static_cast<off_t>(size - 1), SEEK_SET);
    last = static_cast<char>(std::fgetc(f));
    std::fclose(f);
  }
  return newlines + (last != '\n');
}

// parallel_files: the target lines that pair with the source lines being read.
class TargetLines {
 public:
  TargetLines(const Corpus& c, const PrepConfig& cfg, uint64_t first_line) {
    uint64_t begin = offset_of_line(c.tgt_path, first_line);
    reader_ = std::make_unique<ChunkReader>(c.tgt_path, begin, c.tgt_size, RecordKind::Line,
                                            static_cast<uint64_t>(cfg.chunk_bytes), static_cast<uint64_t>(cfg.max_record_bytes));
    path_ = c.tgt_path;
  }
  // The target lines that pair with the source lines of `block`.
  std::vector<std::string_view> pair_with(std::string_view block, TextArena& arena) {
    size_t lines = static_cast<size_t>(std::count(block.begin(), block.end(), '\n'));
    if (!block.empty() && block.back() != '\n') ++lines;  // last line of a file without a final newline
    return take(lines, arena);
  }

 private:
  std::vector<std::string_view> take(size_t n, TextArena& arena) {
    std::vector<std::string_view> out;
    while (out.size() < n) {
      if (pending_.empty()) {
        std::string_view block;
        uint64_t off;
        if (!reader_->next(&block, &off)) throw UserError(path_ + ": has fewer lines than the source file");
        for (size_t i = 0; i < block.size();) {
          size_t nl = block.find('\n', i);
          size_t end = nl == std::string_view::npos ? block.size() : nl + 1;
          pending_.push_back(std::string(block.substr(i, end - i)));
          i = end;
        }
        std::reverse(pending_.begin(), pending_.end());
      }
      out.push_back(arena.hold(std::move(pending_.back())));
      pending_.pop_back();
    }
    return out;
  }

  std::unique_ptr<ChunkReader> reader_;
  std::string path_;
  std::vector<std::string> pending_;  // reversed: next line at the back
};

// With a document per file every file is read whole by one rank, which hashes
// it on the way for the provenance; other inputs are hashed on their own.
bool hashed_while_read(const Corpus& c) { return c.record == RecordKind::File; }

// Streams [begin, end) of one source as parsed documents, block by block.
// on_block(docs, block_bytes, repaired_bytes) sees views that live until it
// returns; returning false stops early. `docs` is the caller's, kept from
// block to block and file to file: a 16 MB block of short lines is ~40 MB of
// Documents, and growing a fresh vector each time page-faulted all of it.
// `hash`, if given, gets every byte read; `folders`, if given, opens the file.
template <class OnBlock>
void read_documents(const PrepConfig& cfg, const Corpus& corpus, DocParser& parser, const Source& src, uint64_t begin,
                    uint64_t end, TargetLines* tgt, std::vector<Document>& docs, OnBlock on_block,
                    Xxh64Stream* hash = nullptr, FolderFiles* folders = nullptr) {
  ChunkReader reader(src.path, begin, end, corpus.record, static_cast<uint64_t>(cfg.chunk_bytes),
                     static_cast<uint64_t>(cfg.max_record_bytes), folders);
  reader.hash_into(hash);
  std::string_view block;
  uint64_t offset;
  while (reader.next(&block, &offset)) {
    TextArena arena;
    if (tgt) parser.set_target_lines(tgt->pair_with(block, arena));
    docs.clear();
    size_t repaired = parser.parse(src, block, offset, docs, arena);
    if (!on_block(docs, block.size(), repaired)) return;
  }
}

// work(b, e, k) over [0, n) cut into contiguous ranges k, on up to `threads`
// threads (one when there is little to share); ready(ranges) runs first.
template <class Work, class Ready>
void parallel_for_ranges(size_t n, int threads, Work work, Ready ready) {
  size_t t = std::max<size_t>(1, std::min<size_t>(static_cast<size_t>(threads), std::max<size_t>(1, n / 8)));
  ready(t);
  if (t == 1) return work(0, n, 0);
  std::vector<std::thread> pool;
  for (size_t k = 0; k < t; ++k) pool.emplace_back(work, n * k / t, n * (k + 1) / t, k);
  for (auto& th : pool) th.join();
}

template <class Work>
void parallel_for(size_t n, int threads, Work work) {
  parallel_for_ranges(n, threads, [&](size_t b, size_t e, size_t) {
    for (size_t i = b; i < e; ++i) work(i);
  }, [](size_t) {});
}

// A batch: documents [first, first + size) of a parsed block, not copied.
struct DocBatch {
  const Document* first;
  size_t size;
  const Document& operator[](size_t i) const { return first[i]; }
};

std::vector<TokenList> tokenize_docs(DocBatch docs, size_t stream, const TextTokenizer& tok, int threads) {
  std::vector<TokenList> out(docs.size);
  parallel_for(docs.size, threads, [&](size_t i) {
    auto fields = stream == 0 ? docs[i].fields : docs[i].tgt_fields;
    if (docs[i].ends_line && tok.options().kind == TokenizerKind::Char) fields.push_back("\n");
    tok.tokenize(fields, out[i]);
    if (docs[i].ends_line && tok.options().kind == TokenizerKind::Pretokenized && !tok.options().eol_token.empty()) {
      // A line record lost its "\n" to the reader; restore the end-of-line token before any xxeos.
      if (tok.options().add_eos)
        out[i].insert_before_last(tok.options().eol_token);
      else
        out[i].push(tok.options().eol_token);
    }
  });
  return out;
}

// The fastai scheme's first half (joined fields after the pre-rules), for a
// PieceInterner: the per-document work that can run on several threads, each
// writing its documents into an arena of its own. Reused batch after batch, so
// the arenas keep their memory (fresh ones cost page faults per batch).
class PreparedTexts {
 public:
  void fill(DocBatch docs, size_t stream, const TextTokenizer& tok, int threads) {
    for (auto& a : arenas_) a.clear();
    parallel_for_ranges(docs.size, threads, [&](size_t b, size_t e, size_t k) {
      TokenList& arena = arenas_[k];
      for (size_t i = b; i < e; ++i) {
        tok.prepared_text(stream == 0 ? docs[i].fields : docs[i].tgt_fields, arena.open());
        arena.close();
      }
    }, [&](size_t ranges) { arenas_.resize(std::max(ranges, arenas_.size())); });
    docs_.clear();
    for (const auto& a : arenas_)
      for (size_t j = 0; j < a.size(); ++j) docs_.push_back(a[j]);
  }
  std::string_view operator[](size_t i) const { return docs_[i]; }

 private:
  std::vector<TokenList> arenas_;       // one per thread
  std::vector<std::string_view> docs_;  // into arenas_
};

class ShardBuilder {
 public:
  ShardBuilder(const PrepConfig& cfg, const Corpus& corpus, std::vector<const TextTokenizer*> toks, std::string scratch)
      : cfg_(cfg), corpus_(corpus), toks_(std::move(toks)), parser_(cfg, corpus) {
    shard_.parts.resize(corpus.splits.size());
    for (auto& p : shard_.parts) {
      p.resize(toks_.size());
      for (auto& sp : p) sp.spill = std::make_unique<SpillFile>(scratch, &spill_memory_left_);
    }
    shard_.labels.resize(corpus.splits.size());
    shard_.tables.resize(toks_.size());  // never resized again: interners_ point into it
    interners_.resize(toks_.size());
    prepared_.resize(toks_.size());
    for (size_t s = 0; s < toks_.size(); ++s)
      if (toks_[s]->tokenizes_by_piece()) interners_[s] = std::make_unique<PieceInterner>(*toks_[s], shard_.tables[s]);
    class_set_.insert(cfg.classes.begin(), cfg.classes.end());
    for (const auto& split : corpus.splits) counted_splits_.push_back(cfg.counts_for_vocab(split));
  }

  void read(const std::vector<FileRange>& share, const ProgressFn& progress) {
    uint64_t total = 0, done = 0;
    for (const auto& r : share) total += r.end - r.begin;
    for (const auto& r : share) {
      const Source& src = corpus_.sources[r.source];
      std::unique_ptr<TargetLines> tgt;
      if (cfg_.format == InputFormat::ParallelFiles)
        tgt = std::make_unique<TargetLines>(corpus_, cfg_, r.begin == 0 ? 0 : line_number_at(src.path, r.begin) - 1);
      Xxh64Stream* hash = nullptr;
      if (hashed_while_read(corpus_)) {
        if (r.begin != 0 || r.end != src.size) throw std::logic_error("a one-document file split between ranks");
        file_hash_.reset();
        hash = &file_hash_;
      }
      read_documents(cfg_, corpus_, parser_, src, r.begin, r.end, tgt.get(), docs_,
                     [&](const std::vector<Document>& docs, size_t bytes, size_t repaired) {
                       shard_.repaired += repaired;
                       absorb(src, docs);
                       done += bytes;
                       shard_.bytes += bytes;
                       if (progress) progress(done, total);
                       return true;
                     }, hash, &folders_);
      if (hash) shard_.file_hashes.emplace_back(r.source, hash->digest());
    }
  }

  LocalShard take() {
    for (auto& interner : interners_)
      if (interner) interner->flush_counts();  // the tables' counts are complete from here
    return std::move(shard_);
  }

 private:
  // Tokenizes in batches of bounded text so token strings never pile up.
  void absorb(const Source& src, const std::vector<Document>& docs) {
    constexpr size_t kBatchBytes = 4 << 20;
    for (size_t b = 0; b < docs.size();) {
      size_t e = b, bytes = 0;
      while (e < docs.size() && (bytes < kBatchBytes * static_cast<size_t>(cfg_.threads) || e == b)) {
        for (auto f : docs[e].fields) bytes += f.size();
        ++e;
      }
      const DocBatch batch{docs.data() + b, e - b};
      std::vector<std::vector<TokenList>>& toks = batch_tokens_;
      toks.resize(toks_.size());
      for (size_t s = 0; s < toks_.size(); ++s) {
        if (interners_[s])
          prepared_[s].fill(batch, s, *toks_[s], cfg_.threads);
        else
          toks[s] = tokenize_docs(batch, s, *toks_[s], cfg_.threads);
      }
      for (size_t i = 0; i < batch.size; ++i) add(src, batch[i], toks, i);
      b = e;
    }
  }

  void add(const Source& src, const Document& d, const std::vector<std::vector<TokenList>>& toks, size_t i) {
    auto split = static_cast<size_t>(d.split);
    const bool counted = counted_splits_[split];
    for (size_t s = 0; s < toks_.size(); ++s) {
      ids_.clear();
      if (interners_[s]) {
        interners_[s]->intern(prepared_[s][i], counted, ids_);
      } else {
        const TokenList& list = toks[s][i];
        for (size_t k = 0; k < list.size(); ++k) ids_.push_back(shard_.tables[s].intern(list[k], counted));
      }
      auto& part = shard_.parts[split][s];
      part.spill->append(ids_.data(), ids_.size());
      part.doc_lens.push_back(static_cast<uint32_t>(ids_.size()));
    }
    if (corpus_.labelled) {
      if (!class_set_.empty() && !class_set_.count(std::string(d.label)))
        throw UserError(src.path + ": line " + std::to_string(line_number_at(src.path, d.offset)) + " (byte " +
                        std::to_string(d.offset) + "): label \"" + std::string(d.label) + "\" is not in prep.classes");
      shard_.labels[split].push_back(d.label.empty() ? UINT32_MAX : shard_.label_table.intern(d.label));
    }
  }

  const PrepConfig& cfg_;
  const Corpus& corpus_;
  std::vector<const TextTokenizer*> toks_;
  DocParser parser_;
  LocalShard shard_;
  std::vector<std::unique_ptr<PieceInterner>> interners_;  // [stream], for tokenizers that work by piece
  std::vector<PreparedTexts> prepared_;                    // [stream], the batch's texts for interners_
  // Token ids the rank keeps in memory before its spill files go to disk: at
  // 256 MB the program stays far under a GB per rank at any corpus size.
  size_t spill_memory_left_ = size_t{256} << 20;
  std::set<std::string> class_set_;
  std::vector<bool> counted_splits_;  // [split]: counts_for_vocab, asked once (it compares names)
  std::vector<uint32_t> ids_;
  FolderFiles folders_;  // the share's files, opened folder by folder
  // Reused file after file (a folder corpus has tens of thousands).
  Xxh64Stream file_hash_;
  std::vector<Document> docs_;
  std::vector<std::vector<TokenList>> batch_tokens_;  // [stream][doc] of a batch, for streams without an interner
};

// The text SentencePiece learns from: the first `sp_sample_mb` of the
// documents of the vocabulary's splits (prep.vocab_splits: by default not
// valid or test, which would leak evaluation text into the pieces), in global
// order, read by rank 0 alone, so it is the same for any rank count.
std::vector<std::string> sentencepiece_sample(const PrepConfig& cfg, const Corpus& corpus,
                                              const std::vector<uint64_t>& data_begin, size_t stream) {
  std::vector<std::string> texts;
  DocParser parser(cfg, corpus);
  uint64_t budget = static_cast<uint64_t>(cfg.sp_sample_mb) << 20, used = 0;
  std::unique_ptr<TargetLines> tgt;
  if (cfg.format == InputFormat::ParallelFiles) tgt = std::make_unique<TargetLines>(corpus, cfg, 0);
  std::vector<Document> docs;
  for (size_t i = 0; i < corpus.sources.size() && used < budget; ++i) {
    const Source& src = corpus.sources[i];
    read_documents(cfg, corpus, parser, src, data_begin[i], src.size, tgt.get(), docs,
                   [&](const std::vector<Document>& docs, size_t, size_t) {
                     for (const auto& d : docs) {
                       if (!cfg.counts_for_vocab(corpus.splits[static_cast<size_t>(d.split)])) continue;
                       const auto& fields = stream == 0 ? d.fields : d.tgt_fields;
                       std::string text;
                       for (auto f : fields) text.append(text.empty() ? "" : " ").append(f);
                       used += text.size();
                       texts.push_back(apply_pre_rules(text));
                     }
                     return used < budget;
                   });
  }
  return texts;
}

// Streams one (split, stream) part: local ids → vocabulary ids, documents
// truncated to `limit` tokens.
class TokenCursor {
 public:
  TokenCursor(StreamPart& part, uint32_t limit, const std::vector<int32_t>& to_global)
      : part_(part), limit_(limit), map_(to_global) {
    part_.spill->rewind();
  }
  template <class Id>  // int32_t, or uint16_t when every global id fits
  void take(Id* dst, uint64_t n) {
    while (n > 0) {
      uint32_t len = part_.doc_lens[doc_], keep = std::min(len, limit_);
      if (pos_ == keep) {  // skip the truncated tail, move to the next document
        skip(len - keep);
        ++doc_, pos_ = 0;
        continue;
      }
      uint64_t k = std::min<uint64_t>(n, keep - pos_);
      buf_.resize(k);
      if (part_.spill->read(buf_.data(), k) != k) throw std::runtime_error("scratch file truncated");
      for (uint64_t j = 0; j < k; ++j) {
        const int32_t id = map_[buf_[j]];
        dst[j] = static_cast<Id>(id);
        unk += id == 0;
      }
      dst += k, n -= k, pos_ += static_cast<uint32_t>(k);
    }
  }
  uint64_t unk = 0;

 private:
  void skip(uint32_t n) {
    buf_.resize(n);
    if (n && part_.spill->read(buf_.data(), n) != n) throw std::runtime_error("scratch file truncated");
  }
  StreamPart& part_;
  uint32_t limit_;
  const std::vector<int32_t>& map_;
  size_t doc_ = 0;
  uint32_t pos_ = 0;
  std::vector<uint32_t> buf_;
};

// numpy.percentile (linear interpolation) of all documents' lengths, over all
// ranks, from a global histogram of lengths; int() of it as the lesson does.
int64_t global_length_percentile(const LocalShard& shard, size_t stream, double q) {
  uint64_t max_len = 0;
  for (const auto& split : shard.parts)
    for (auto l : split[stream].doc_lens) max_len = std::max<uint64_t>(max_len, l);
  max_len = mpi::allreduce_max(max_len);
  std::vector<uint64_t> hist(max_len + 1, 0);
  for (const auto& split : shard.parts)
    for (auto l : split[stream].doc_lens) ++hist[l];
  std::string blob(reinterpret_cast<const char*>(hist.data()), hist.size() * 8);
  std::vector<uint64_t> total(hist.size(), 0);
  for (const auto& b : mpi::allgather(blob))
    for (size_t i = 0; i < total.size(); ++i) total[i] += reinterpret_cast<const uint64_t*>(b.data())[i];
  uint64_t n = 0;
  for (auto c : total) n += c;
  if (n == 0) return 0;
  auto kth = [&](uint64_t k) {  // k-th smallest length, 0-based
    uint64_t seen = 0;
    for (size_t len = 0; len < total.size(); ++len)
      if ((seen += total[len]) > k) return static_cast<double>(len);
    return static_cast<double>(total.size() - 1);
  };
  double idx = q / 100.0 * static_cast<double>(n - 1);
  auto lo = static_cast<uint64_t>(std::floor(idx)), hi = static_cast<uint64_t>(std::ceil(idx));
  return static_cast<int64_t>(kth(lo) + (kth(hi) - kth(lo)) * (idx - static_cast<double>(lo)));
}

// Every rank's table merged. Each rank starts from its own table, so its
// entries keep their ids, and adds the others': merged ids then differ from
// rank to rank, but counts are sums and Vocab::build's order (count, then
// bytes) is total, so every rank builds the same vocabulary — and interns
// (W-1)/W of the entries instead of all of them.
TokenTable merge_tables(TokenTable&& local) {
  TokenTable merged = std::move(local);
  if (mpi::size() == 1) return merged;
  const std::vector<std::string> blobs = mpi::allgather(merged.serialize());
  for (size_t r = 0; r < blobs.size(); ++r)
    if (static_cast<int>(r) != mpi::rank()) merged.merge_serialized(blobs[r]);
  return merged;
}

// `s` as a JSON string, exactly as nlohmann's dump() writes it: printable
// ASCII without '"' or '\\' (nearly every path) is only quoted; anything else
// goes through nlohmann (escapes, UTF-8 checks). dump() cost ~2,400
// instructions a path, and a folder corpus has tens of thousands.
void append_json_string(std::string& out, const std::string& s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E && c != '"' && c != '\\'; });
  if (plain)
    out.append(1, '"').append(s).append(1, '"');
  else
    out.append(nlohmann::json(s).dump());
}

// Attributes on "/": enough to know what produced the file and from what.
// Input paths as the user knows them (an archive member as "ARCHIVE:MEMBER"); bytes
// and hashes are of what prep read (a compressed file's or member's unpacked bytes).
void write_provenance(H5File& f, const PrepConfig& cfg, const Corpus& corpus, const PrepSummary& sum, int world,
                      const std::vector<uint64_t>& hashes, const ExpandedInputs& expanded) {
  // [{"bytes":N,"path":"…","xxh64":"…"}, …] as nlohmann's dump() writes it
  // (keys sorted), built as text: a JSON object per file cost ~1 µs, and a
  // folder corpus has tens of thousands of files.
  std::string inputs = "[";
  auto add_input = [&](const std::string& path, uint64_t bytes, uint64_t hash) {
    if (inputs.size() > 1) inputs += ',';
    inputs.append("{\"bytes\":").append(std::to_string(bytes)).append(",\"path\":");
    append_json_string(inputs, expanded.origin(path));
    inputs.append(",\"xxh64\":\"").append(hex64(hash)).append("\"}");
  };
  for (size_t i = 0; i < corpus.sources.size(); ++i) add_input(corpus.sources[i].path, corpus.sources[i].size, hashes[i]);
  if (!corpus.tgt_path.empty()) add_input(corpus.tgt_path, corpus.tgt_size, hashes.back());
  inputs += ']';
  f.set_attr("/", "format", prepared::kFormat);
  f.set_attr("/", "format_version", prepared::kFormatVersion);
  f.set_attr("/", "program_version", std::string(PARLANCE_VERSION));
  f.set_attr("/", "name", cfg.name);
  f.set_attr("/", "splits", nlohmann::json(sum.splits).dump());
  f.set_attr("/", "streams", nlohmann::json(sum.stream_names).dump());
  f.set_attr("/", prepared::tokenizer_attr(""), tokenizer_options_json(cfg.tok));
  if (cfg.parallel()) f.set_attr("/", prepared::tokenizer_attr("tgt"), tokenizer_options_json(cfg.tok_tgt));
  f.set_attr("/", "inputs", inputs);
  f.set_attr("/", "input_bytes", static_cast<int64_t>(corpus.total_bytes + corpus.tgt_size));
  f.set_attr("/", "repaired_bytes", static_cast<int64_t>(sum.repaired_bytes));
  f.set_attr("/", "config", cfg.resolved_toml);
  f.set_attr("/", "ranks", static_cast<int64_t>(world));
}

}  // namespace

PrepSummary run_prep(const PrepConfig& recipe, const ProgressFn& progress) {
  const auto t0 = Clock::now();
  const int rank = mpi::rank(), world = mpi::size();
  PrepSummary sum;
  sum.out_path = recipe.out;
  StepClock clock(sum.steps, t0);
  sum.stream_names = recipe.parallel() ? std::vector<std::string>{"src", "tgt"} : std::vector<std::string>{""};
  const size_t nstreams = sum.stream_names.size();
  const std::string out_dir = fs::path(recipe.out).parent_path().string();
  mpi::collectively([&] {
    if (!out_dir.empty() && !fs::is_directory(out_dir))
      throw UserError(recipe.out + ": output folder " + out_dir + " does not exist");
    if (fs::is_directory(recipe.out)) throw UserError(recipe.out + ": is a folder; give the .h5 file to write");
    if (access(out_dir.empty() ? "." : out_dir.c_str(), W_OK) != 0)
      throw UserError(recipe.out + ": output folder is not writable");
  });
  // Compressed inputs are unpacked beside the output; from here on `cfg` reads the unpacked copies.
  // The folders listed looking for them are listed once, for the corpus too.
  DirListings listings;
  const ExpandedInputs expanded(recipe, &listings);
  const PrepConfig& cfg = expanded.config();
  sum.unpack_seconds = expanded.seconds();
  clock.done("check the recipe and output, unpack compressed inputs");
  const auto t_discover = Clock::now();

  // A. Every rank discovers the same corpus (the per-file opens divided among
  // them); bad paths and configs stop all ranks here.
  Corpus corpus;
  std::vector<uint64_t> data_begin;
  std::vector<std::vector<std::string>> vocab_itos(nstreams);
  std::vector<std::string> sp_models(nstreams);  // serialized SentencePiece models, per stream
  mpi::collectively([&] { corpus = list_corpus(cfg, &listings); });
  listings.clear();
  clock.done("list the corpus");
  const std::vector<uint64_t> sizes = sizes_across_ranks(corpus);
  clock.done("size its files (every W-th on each rank)");
  mpi::collectively([&] {
    set_sizes(corpus, sizes, cfg.input);
    data_begin = data_begins(corpus, cfg);
    if (corpus.record == RecordKind::Csv) DocParser check(cfg, corpus);  // header and column checks
    if (!cfg.vocab_from.empty()) {
      PreparedDataset v(cfg.vocab_from);
      for (size_t s = 0; s < nstreams; ++s) {
        const std::string& stream = sum.stream_names[s];
        if (!v.file().exists(prepared::itos(stream)))
          throw UserError(cfg.vocab_from + ": has no " + prepared::itos(stream) + " to reuse");
        vocab_itos[s] = v.itos(stream);
        // A reused vocabulary of SentencePiece pieces comes with its model.
        sp_models[s] = v.sentencepiece_model(stream);
      }
    }
    if (rank == 0 && cfg.format == InputFormat::ParallelFiles) {
      uint64_t a = count_lines(corpus.sources[0].path, corpus.sources[0].size), b = count_lines(corpus.tgt_path, corpus.tgt_size);
      if (a != b)
        throw UserError(corpus.sources[0].path + " has " + std::to_string(a) + " lines but " + corpus.tgt_path + " has " +
                        std::to_string(b) + " (expected line-aligned parallel files)");
    }
  });
  sum.splits = corpus.splits;
  sum.total_bytes = corpus.total_bytes + corpus.tgt_size;  // parallel_files: both sides are read
  sum.discover_seconds = seconds_since(t_discover);
  clock.done("plan the shares, check the data");

  std::vector<std::unique_ptr<TextTokenizer>> tokenizers;
  for (size_t s = 0; s < nstreams; ++s) tokenizers.push_back(std::make_unique<TextTokenizer>(s == 0 ? cfg.tok : cfg.tok_tgt));
  for (size_t s = 0; s < nstreams; ++s) {
    if (tokenizers[s]->options().kind != TokenizerKind::SentencePiece) continue;
    if (sp_models[s].empty()) {
      std::string proto;
      mpi::collectively([&] {
        if (rank == 0)
          proto = train_sentencepiece(sentencepiece_sample(cfg, corpus, data_begin, s),
                                      // One trainer thread: the model (which records its thread count) must not
                                      // depend on prep.threads.
                                      {cfg.sp_vocab_size, cfg.sp_model_type, 1});
      });
      sp_models[s] = mpi::broadcast(proto);
    }
    tokenizers[s]->load_sentencepiece(sp_models[s]);
  }

  clock.done("make the tokenizers (SentencePiece is trained here)");
  // B. This rank's share, tokenized. A failure here is local: the caller aborts all ranks.
  std::vector<const TextTokenizer*> toks;
  for (auto& t : tokenizers) toks.push_back(t.get());
  ShardBuilder builder(cfg, corpus, toks, out_dir.empty() ? "." : out_dir);
  // Input hashes for provenance. With a document per file each file is read
  // whole by one rank, which hashes it while reading; otherwise (and for the
  // target file) file i is hashed by rank i % world on a thread beside
  // tokenization (it is I/O plus a few cycles per byte).
  // hashes[i]: source i, then the target file if any.
  const size_t n_inputs = corpus.sources.size() + (corpus.tgt_path.empty() ? 0 : 1);
  std::vector<uint64_t> hashes(n_inputs, 0);
  std::string hash_error;
  std::thread hasher([&] {
    try {
      const size_t first = hashed_while_read(corpus) ? corpus.sources.size() : 0;
      for (size_t i = first + static_cast<size_t>(rank); i < n_inputs; i += static_cast<size_t>(world))
        hashes[i] = xxh64_file(i < corpus.sources.size() ? corpus.sources[i].path : corpus.tgt_path);
    } catch (const std::exception& e) {
      hash_error = e.what();
    }
  });
  struct Join {
    std::thread& t;
    ~Join() {
      if (t.joinable()) t.join();
    }
  } join{hasher};
  const auto t_read = Clock::now();
  builder.read(rank_share(corpus, data_begin, rank, world), rank == 0 ? progress : ProgressFn());
  LocalShard shard = builder.take();
  clock.done("read and tokenize this rank's share");
  hasher.join();
  if (!hash_error.empty()) throw UserError(hash_error);
  for (const auto& [source, h] : shard.file_hashes) hashes[source] = h;
  if (hashed_while_read(corpus)) {  // empty files are in no rank's share; every rank knows their hash
    const uint64_t empty = Xxh64Stream().digest();
    for (size_t i = 0; i < corpus.sources.size(); ++i)
      if (corpus.sources[i].size == 0) hashes[i] = empty;
  }
  {
    std::string mine(reinterpret_cast<const char*>(hashes.data()), hashes.size() * 8);
    for (const auto& blob : mpi::allgather(mine))
      for (size_t i = 0; i < hashes.size(); ++i) hashes[i] |= reinterpret_cast<const uint64_t*>(blob.data())[i];
  }
  sum.rank_seconds = mpi::allgather(seconds_since(t_read));
  sum.rank_bytes = mpi::allgather(shard.bytes);
  sum.repaired_bytes = mpi::allreduce_sum(shard.repaired);
  clock.done("exchange hashes and counts (waits for the slowest rank)");

  sum.tokenize_seconds = seconds_since(t_read);
  const auto t_vocab = Clock::now();
  // C. Global vocabulary and classes, then the collective write.
  std::vector<Vocab> vocabs;
  std::vector<std::vector<int32_t>> to_global(nstreams);
  for (size_t s = 0; s < nstreams; ++s) {
    const size_t local_entries = shard.tables[s].size();
    const TokenTable merged = merge_tables(std::move(shard.tables[s]));  // local ids are its first ids
    std::vector<int32_t> vocab_id;                                     // of each merged entry
    vocabs.push_back(vocab_itos[s].empty()
                         ? Vocab::build(merged, cfg.max_vocab, cfg.min_freq, cfg.vocab_multiple, &vocab_id)
                         : Vocab::from_itos(vocab_itos[s], merged, &vocab_id));
    to_global[s].assign(vocab_id.begin(), vocab_id.begin() + static_cast<std::ptrdiff_t>(local_entries));
    sum.vocab_sizes.push_back(vocabs[s].itos.size());
  }
  std::vector<uint32_t> label_to_class;
  if (corpus.labelled) {
    const TokenTable labels = merge_tables(TokenTable(shard.label_table));  // a copy: the local names are read below
    sum.classes = cfg.classes;
    if (sum.classes.empty()) {
      for (uint32_t i = 0; i < labels.size(); ++i) sum.classes.push_back(labels.string(i));
      std::sort(sum.classes.begin(), sum.classes.end());
    }
    for (uint32_t i = 0; i < shard.label_table.size(); ++i)
      label_to_class.push_back(static_cast<uint32_t>(
          std::find(sum.classes.begin(), sum.classes.end(), shard.label_table.string(i)) - sum.classes.begin()));
  }
  std::vector<uint32_t> limits(nstreams, UINT32_MAX);
  sum.truncated_to.assign(nstreams, -1);
  for (size_t s = 0; s < nstreams && cfg.parallel(); ++s) {
    const double q = s == 1 && cfg.tgt_length_percentile >= 0 ? cfg.tgt_length_percentile : cfg.length_percentile;
    if (q > 0) limits[s] = static_cast<uint32_t>(sum.truncated_to[s] = global_length_percentile(shard, s, q));
  }

  sum.vocab_seconds = seconds_since(t_vocab);
  clock.done("merge the token tables, build the vocabulary");
  const auto t_write = Clock::now();
  const std::string tmp = cfg.out + ".partial";
  // Whatever stops the write leaves no half-written file behind.
  struct RemoveUnlessKept {
    const std::string& path;
    bool keep = false;
    ~RemoveUnlessKept() {
      std::error_code ec;
      if (!keep) fs::remove(path, ec);
    }
  } partial{tmp};
  for (const auto& split : corpus.splits)
    if (cfg.counts_for_vocab(split)) sum.vocab_splits.push_back(split);
  {
    ParallelH5Writer w(tmp);
    clock.done("create the output file");
    for (size_t sp = 0; sp < corpus.splits.size(); ++sp) {
      const std::string& split = corpus.splits[sp];
      w.create_group(prepared::split_group(split));
      uint64_t local_docs = 0;
      for (size_t s = 0; s < nstreams; ++s) {
        StreamPart& part = shard.parts[sp][s];
        local_docs = part.doc_lens.size();
        uint64_t local_tokens = 0;
        for (auto l : part.doc_lens) local_tokens += std::min(l, limits[s]);
        TokenCursor cursor(part, limits[s], to_global[s]);
        const std::string& stream = sum.stream_names[s];
        // Narrow ids when they fit: half the bytes to write, store and read back.
        if (vocabs[s].itos.size() <= prepared::kMaxNarrowVocab)
          w.write_concat<uint16_t>(prepared::tokens(split, stream), local_tokens,
                                   [&](uint16_t* dst, uint64_t, uint64_t n) { cursor.take(dst, n); });
        else
          w.write_concat<int32_t>(prepared::tokens(split, stream), local_tokens,
                                  [&](int32_t* dst, uint64_t, uint64_t n) { cursor.take(dst, n); });
        if (sum.split_unk.size() <= sp) sum.split_unk.emplace_back(nstreams, 0);
        sum.split_unk[sp][s] = mpi::allreduce_sum(cursor.unk);
        // doc_offsets has one entry more than documents: the last rank writes the end.
        const uint64_t base = mpi::exscan_sum(local_tokens);
        const bool last = rank == world - 1;
        w.write_concat<int64_t>(prepared::doc_offsets(split, stream), local_docs + last, [&](int64_t* dst, uint64_t first, uint64_t n) {
          uint64_t off = base;
          for (uint64_t d = 0; d < first; ++d) off += std::min(part.doc_lens[d], limits[s]);
          for (uint64_t j = 0; j < n; ++j) {
            dst[j] = static_cast<int64_t>(off);
            if (first + j < local_docs) off += std::min(part.doc_lens[first + j], limits[s]);
          }
        });
        if (sum.split_tokens.size() <= sp) sum.split_tokens.emplace_back(nstreams, 0);
        sum.split_tokens[sp][s] = mpi::allreduce_sum(local_tokens);
      }
      sum.split_docs.push_back(mpi::allreduce_sum(local_docs));
      if (corpus.labelled) {
        const auto& labels = shard.labels[sp];
        w.write_concat<int32_t>(prepared::labels(split), labels.size(), [&](int32_t* dst, uint64_t first, uint64_t n) {
          for (uint64_t j = 0; j < n; ++j) {
            uint32_t l = labels[first + j];
            dst[j] = l == UINT32_MAX ? -1 : static_cast<int32_t>(label_to_class[l]);
          }
        });
      }
    }
    w.close();
  }
  clock.done("write the token ids, offsets and labels");
  mpi::barrier();
  clock.done("wait for every rank's write");
  if (rank == 0) {
    {
      H5File f(tmp, H5File::Mode::ReadWrite);
      for (size_t s = 0; s < nstreams; ++s) {
        const std::string& stream = sum.stream_names[s];
        f.create_group(prepared::vocab_group(stream));
        f.write_strings(prepared::itos(stream), vocabs[s].itos);
        f.write_u64(prepared::counts(stream), vocabs[s].counts);
        if (!sp_models[s].empty()) f.write_bytes(prepared::sp_model(stream), sp_models[s]);
      }
      if (corpus.labelled) f.write_strings(prepared::kClasses, sum.classes);
      write_provenance(f, cfg, corpus, sum, world, hashes, expanded);
    }
    clock.done("rank 0: vocabulary strings, classes, provenance");
    std::error_code ec;
    fs::rename(tmp, cfg.out, ec);
    if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + cfg.out + ": " + ec.message());
    partial.keep = true;
    clock.done("rank 0: rename into place");
  }
  mpi::barrier();
  clock.done("the last barrier");
  sum.write_seconds = seconds_since(t_write);
  sum.seconds = seconds_since(t0);
  return sum;
}

}  // namespace parlance
