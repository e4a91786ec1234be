// parlance predict, and parlance eval for classifier runs: one classifier or
// an ensemble (class probabilities averaged, e.g. forward + backward).
#include <cstdio>
#include <optional>

#include "data/batch_order.h"
#include "classifier/class_metrics.h"
#include "classifier/trained_classifier.h"
#include "cli/commands.h"
#include "comm/communicator.h"
#include "comm/mpi_world.h"
#include "data/document_reader.h"
#include "data/prepared_dataset.h"
#include "data/text_encoder.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace parlance::cli {
namespace {

// `first`, when given, is the first run already read; the models end up on `device`.
std::vector<LoadedClassifier> load_all(std::optional<CheckpointContents> first, const std::vector<std::string>& runs,
                                       const std::string& data, torch::Device device) {
  std::vector<LoadedClassifier> out;
  if (first) out.push_back(load_classifier(std::move(*first)));
  for (const auto& r : runs) out.push_back(load_classifier(r, data));
  for (const auto& c : out)
    if (c.card.classes != out[0].card.classes)
      throw UserError(c.file + ": its classes differ from " + out[0].file + "'s; an ensemble needs the same classes");
  for (auto& c : out) c.model->to(device);
  torch::set_num_threads(static_cast<int>(out.at(0).cfg.threads));  // as many as training used per rank
  return out;
}

// Each model's class probabilities of its `docs` (the same documents, each
// read in its model's direction), batch by batch.
std::vector<ClassProbabilities> probabilities_of(std::vector<LoadedClassifier>& models,
                                                 const std::vector<LabelledDocs>& docs,
                                                 const std::vector<std::vector<int64_t>>& batches,
                                                 torch::Device device, const std::vector<int64_t>& pad_to = {}) {
  std::vector<ClassProbabilities> out;
  for (size_t m = 0; m < models.size(); ++m)
    out.push_back(class_probabilities(*models[m].model, docs[m], batches, models[m].cfg.bptt, models[m].cfg.max_len,
                                      device, pad_to));
  return out;
}

// The ensemble's prediction: the mean of its members' probabilities.
ClassProbabilities mean_of(const std::vector<ClassProbabilities>& each) {
  ClassProbabilities mean = each.at(0);
  for (size_t m = 1; m < each.size(); ++m) mean.probs = mean.probs + each[m].probs;
  mean.probs = mean.probs / static_cast<double>(each.size());
  return mean;
}

ClassMetrics metrics_of(const ClassProbabilities& p, int64_t classes, Communicator& comm) {
  ClassMetrics m(classes);
  m.add(p.probs, p.labels);
  m.sum_over(comm);
  return m;
}

}  // namespace

int eval_classifiers(CheckpointContents first, const std::vector<std::string>& more, const std::string& data_override,
                     const std::string& split, int64_t bs, const std::string& confusion_svg, torch::Device device) {
  auto comm = make_communicator("mpi");
  std::vector<LoadedClassifier> models;
  std::vector<LabelledDocs> docs;
  try {  // every rank reads the same files: an error here is one they all agree on
    if (!confusion_svg.empty()) check_output_file(confusion_svg, "--confusion");
    models = load_all(std::move(first), more, data_override, device);
    const PreparedDataset data(models[0].cfg.data);
    for (const auto& m : models) {
      if (data.itos() != m.card.stream("").itos)
        throw UserError(data.path() + ": its vocabulary is not " + m.file + "'s; evaluate on data prepared with "
                        "prep.vocab_from = the model's training file");
      if (data.classes() != m.card.classes) throw UserError(data.path() + ": its classes are not " + m.file + "'s");
      docs.push_back(LabelledDocs::load(data, split, m.cfg.backwards));
    }
  } catch (const UserError& e) {
    throw AgreedError(e.what());
  }
  const int64_t per_rank = bs > 0 ? bs : models[0].cfg.valid_bs;
  const BatchPlan plan = validation_plan(docs[0].lengths(), per_rank, comm->size(), comm->rank());
  const int64_t classes = models[0].model->n_classes();
  const std::vector<ClassProbabilities> each = probabilities_of(models, docs, plan.batches, device, plan.pad_to);
  std::vector<ClassMetrics> members;
  for (const auto& p : each) members.push_back(metrics_of(p, classes, *comm));
  const ClassMetrics metrics = metrics_of(mean_of(each), classes, *comm);
  if (comm->rank() != 0) return 0;
  std::printf("%s %s\n", models[0].cfg.data.c_str(), split.c_str());
  for (size_t m = 0; m < members.size() && members.size() > 1; ++m)
    std::printf("  %s (%s): accuracy %.4f\n", models[m].file.c_str(), models[m].cfg.backwards ? "backward" : "forward",
                members[m].accuracy());
  std::printf("%s%s", models.size() > 1 ? "ensemble (mean probabilities):\n" : "",
              metrics.report(models[0].card.classes).c_str());
  if (!confusion_svg.empty()) {
    const std::string title = split + (models.size() > 1 ? ", ensemble of " + std::to_string(models.size()) : "");
    write_file_atomically(confusion_svg, metrics.confusion_svg(models[0].card.classes, title));
    std::printf("wrote %s\n", confusion_svg.c_str());
  }
  return 0;
}

Command add_predict(CLI::App& app) {
  struct Args {
    std::vector<std::string> runs, ensemble, texts;
    std::string file, device;
    int64_t column = -1;
    bool no_header = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("run", a->runs, "classifier run folder(s) or checkpoint(s); several: an ensemble");
  app.add_option("--ensemble", a->ensemble, "more classifier runs whose probabilities are averaged with RUN's");
  app.add_option("--text", a->texts, "a document to classify (repeatable)");
  app.add_option("--file", a->file, "classify every line of this file, one row per line (an empty line: an empty document), or one CSV column with --column");
  app.add_option("--column", a->column, "--file is a CSV: classify this column (0-based)");
  app.add_flag("--no-header", a->no_header, "the CSV has no header record");
  add_device_option(app, a->device);
  return [a] {
    if (mpi::rank() != 0) return 0;
    std::vector<std::string> runs = a->runs;
    runs.insert(runs.end(), a->ensemble.begin(), a->ensemble.end());
    if (runs.empty()) throw UserError("predict: give a classifier run (parlance predict RUN --text ...)");
    if (a->texts.empty() == a->file.empty()) throw UserError("predict: give --text or --file (one of them)");
    CheckpointContents first = read_checkpoint(runs[0], "");
    const torch::Device device = inference_device(a->device, first.cfg.device, this_process_alone());
    std::vector<LoadedClassifier> models = load_all(std::move(first), {runs.begin() + 1, runs.end()}, "", device);
    const std::vector<std::string> texts =
        a->file.empty() ? a->texts : read_document_texts(a->file, a->column, !a->no_header);
    std::vector<std::vector<int64_t>> ids;
    const TextEncoder encoder(models[0].card.stream(""), /*complete_documents=*/true);
    for (const auto& t : texts) ids.push_back(encoder.ids(t));
    std::vector<LabelledDocs> docs;
    for (const auto& m : models) {
      if (m.card.stream("").itos != models[0].card.stream("").itos)
        throw UserError(m.file + ": its vocabulary differs from " + models[0].file + "'s");
      docs.push_back(LabelledDocs::from_docs(ids, {}, m.cfg.backwards));
    }
    // Batches of similar lengths, then the rows put back in input order.
    const std::vector<int64_t> order = sort_order(docs[0].lengths());
    ClassProbabilities p = mean_of(probabilities_of(models, docs, rank_batches(order, 32, 1, 0, false), device));
    torch::Tensor probs = torch::empty_like(p.probs);
    probs.index_copy_(0, torch::tensor(order, torch::kInt64), p.probs);
    const auto& classes = models[0].card.classes;
    std::printf("label");
    for (const auto& c : classes) std::printf("\tp_%s", c.c_str());
    std::printf("\n");
    for (int64_t i = 0; i < probs.size(0); ++i) {
      std::printf("%s", classes[static_cast<size_t>(probs[i].argmax().item<int64_t>())].c_str());
      for (int64_t c = 0; c < probs.size(1); ++c) std::printf("\t%.4f", probs[i][c].item<double>());
      std::printf("\n");
    }
    return 0;
  };
}

}  // namespace parlance::cli
