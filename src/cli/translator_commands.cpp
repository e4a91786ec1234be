// parlance translate, and parlance eval for translator runs.
#include <cstdio>
#include <fstream>

#include "cli/commands.h"
#include "comm/communicator.h"
#include "comm/mpi_world.h"
#include "data/batch_order.h"
#include "data/document_reader.h"
#include "data/prepared_dataset.h"
#include "data/text_encoder.h"
#include "translator/attention_picture.h"
#include "translator/trained_translator.h"
#include "translator/translator_task.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace parlance::cli {

int eval_translator(CheckpointContents first, const std::string& split, int64_t bs, int64_t beam, torch::Device device) {
  LoadedTranslator t = load_translator(std::move(first));
  t.model->to(device);
  torch::set_num_threads(static_cast<int>(t.cfg.threads));
  auto comm = make_communicator("mpi");
  SentencePairs pairs;
  try {  // every rank opens the same file: an error here is one they all agree on
    const PreparedDataset data(t.cfg.data);
    if (data.itos(t.src_stream) != t.card.stream(t.src_stream).itos || data.itos(t.tgt_stream) != t.target.itos)
      throw UserError(data.path() + ": its vocabularies are not " + t.file + "'s");
    pairs = SentencePairs::load(data, split, t.src_stream, t.src_ids, t.target.ids);
    t.target.max_out = output_limit(t.cfg.translator, SentencePairs::load(data, t.cfg.train_split, t.src_stream,
                                                                          t.src_ids, t.target.ids));
  } catch (const UserError& e) {
    throw AgreedError(e.what());
  }
  const BatchPlan plan = validation_plan(pairs.src_lengths(), bs > 0 ? bs : t.cfg.valid_bs, comm->size(), comm->rank());
  TranslationScores greedy = score_greedy(*t.model, pairs, plan.batches, t.target, device);
  greedy.sum_over(*comm);
  BleuStats beamed;
  if (beam > 1) {
    const std::vector<Translation> out = translate_batches(t, pairs, plan.batches, beam, t.target.max_out);
    size_t k = 0;
    for (const auto& b : plan.batches)
      for (int64_t i : b) add_to_bleu(beamed, out[k++].tokens, pairs.target_tokens(i), t.target.itos);
    beamed = BleuStats::from_vector(sum_over_ranks(*comm, beamed.as_vector()));
  }
  if (comm->rank() != 0) return 0;
  std::printf("%s %s (%lld pairs, %s → %s)\n", t.cfg.data.c_str(), split.c_str(), static_cast<long long>(pairs.size()),
              t.src_stream.c_str(), t.tgt_stream.c_str());
  std::printf("greedy:  loss %.4f  token accuracy %.4f  BLEU %.4f\n", greedy.loss(), greedy.accuracy(), greedy.bleu.score());
  if (beam > 1) std::printf("beam %lld: BLEU %.4f\n", static_cast<long long>(beam), beamed.score());
  return 0;
}

namespace {

// The attention of one translation as a picture: output words × source tokens.
void write_attention_svg(const std::string& path, const LoadedTranslator& t, const std::vector<std::string>& src_tokens,
                         const Translation& tr) {
  if (!tr.attention.defined())
    throw UserError("--attention: " + t.file + " is a " + t.cfg.model.arch + " model, which has no attention");
  std::vector<std::string> rows;
  for (int64_t id : tr.tokens) rows.push_back(t.target.itos[static_cast<size_t>(id)]);
  write_file_atomically(path, attention_svg(tr.attention, rows, src_tokens, "attention: output words over source tokens"));
  std::fprintf(stderr, "attention of the first sentence: %s\n", path.c_str());
}

// The translations of pairs' sources, in their order: translated in batches
// of similar lengths, then put back.
std::vector<Translation> translate_in_order(LoadedTranslator& t, const SentencePairs& pairs, int64_t beam,
                                            int64_t max_len) {
  if (pairs.size() == 0) return {};
  const BatchPlan plan = validation_plan(pairs.src_lengths(), 32, 1, 0);
  std::vector<Translation> out = translate_batches(t, pairs, plan.batches, beam, max_len);
  std::vector<Translation> in_order(out.size());
  for (size_t k = 0; k < out.size(); ++k) in_order[static_cast<size_t>(plan.order[k])] = std::move(out[k]);
  return in_order;
}

}  // namespace

Command add_translate(CLI::App& app) {
  struct Args {
    std::string run, file, attention, device;
    std::vector<std::string> texts;
    int64_t beam = 1, max_len = 0;
  };
  auto a = std::make_shared<Args>();
  app.add_option("run", a->run, "translator run folder or checkpoint")->required();
  app.add_option("--text", a->texts, "a sentence to translate (repeatable)");
  app.add_option("--file", a->file, "translate every line of this file; one output line per input line");
  app.add_option("--beam", a->beam, "beam size (1: greedy)")->check(CLI::Range(1, 100));
  app.add_option("--max-len", a->max_len, "longest output in tokens (default: the run's limit, else 2 × source + 10)");
  app.add_option("--attention", a->attention, "draw the first (non-blank) sentence's attention matrix into this SVG file");
  add_device_option(app, a->device);
  return [a] {
    if (mpi::rank() != 0) return 0;
    if (a->texts.empty() == a->file.empty()) throw UserError("translate: give --text or --file (one of them)");
    if (!a->attention.empty()) check_output_file(a->attention, "--attention");
    LoadedTranslator t = load_translator(a->run);
    t.model->to(inference_device(a->device, t.cfg.device, this_process_alone()));
    torch::set_num_threads(static_cast<int>(t.cfg.threads));
    const std::vector<std::string> texts = a->file.empty() ? a->texts : read_document_texts(a->file, -1, false);
    // A blank line translates to an empty line, as in Marian: a model given
    // no words would still emit some. Only the others go through the model.
    std::vector<size_t> worded;  // indices into texts
    for (size_t i = 0; i < texts.size(); ++i)
      if (texts[i].find_first_not_of(" \t\r\f\v") != std::string::npos) worded.push_back(i);
    const TextEncoder encoder(t.card.stream(t.src_stream), /*complete_documents=*/true);
    std::vector<std::vector<int64_t>> ids;
    for (size_t i : worded) ids.push_back(encoder.ids(texts[i]));
    const SentencePairs pairs = SentencePairs::from_sources(ids, t.src_ids);
    int64_t longest = 0;
    for (int64_t l : pairs.src_lengths()) longest = std::max(longest, l);
    const int64_t max_len = a->max_len > 0 ? a->max_len : t.target.max_out > 0 ? t.target.max_out : 2 * longest + 10;
    const std::vector<Translation> out = translate_in_order(t, pairs, a->beam, max_len);
    std::vector<std::string> lines(texts.size());
    for (size_t k = 0; k < worded.size(); ++k) lines[worded[k]] = readable_text(out[k].tokens, t.target.itos);
    for (const std::string& line : lines) std::printf("%s\n", line.c_str());
    // Columns: the first worded source as the model read it, xxeos included.
    if (!a->attention.empty() && !out.empty()) {
      std::vector<std::string> columns;
      for (int64_t id : pairs.source_tokens(0)) columns.push_back(t.card.stream(t.src_stream).itos[static_cast<size_t>(id)]);
      columns.push_back("xxeos");
      write_attention_svg(a->attention, t, columns, out[0]);
    } else if (!a->attention.empty()) {
      std::fprintf(stderr, "--attention: every sentence is blank, no picture written\n");
    }
    return 0;
  };
}

}  // namespace parlance::cli
