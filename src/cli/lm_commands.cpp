// parlance eval / parlance generate: using a trained language model.
#include <cmath>
#include <cstdio>

#include "cli/commands.h"
#include "cli/option_checks.h"
#include "data/prepared_dataset.h"
#include "util/error.h"
#include "comm/communicator.h"
#include "comm/mpi_world.h"
#include "train/checkpoint.h"
#include "lm/language_model_task.h"
#include "lm/rank_streams.h"
#include "lm/text_generator.h"

namespace parlance::cli {

Command add_eval(CLI::App& app) {
  struct Args {
    std::vector<std::string> runs, ensemble;
    std::string data, split = "valid", confusion, device;
    int64_t bs = 0, bptt = 0, beam = 5;
  };
  auto a = std::make_shared<Args>();
  app.add_option("checkpoint", a->runs, "run folder or checkpoint file (several classifiers: an ensemble)");
  app.add_option("--ensemble", a->ensemble, "classifiers: more runs whose class probabilities are averaged");
  app.add_option("--data", a->data, "prepared dataset (default: the one the model trained on)");
  app.add_option("--split", a->split, "split to evaluate");
  app.add_option("--bs", a->bs, "streams (LM), documents (classifier) or sentences (translator) per rank (default: the run's valid_bs)");
  app.add_option("--bptt", a->bptt, "language models: sequence length (default: the run's bptt)");
  app.add_option("--confusion", a->confusion, "classifiers: also draw the confusion matrix into this SVG file");
  app.add_option("--beam", a->beam, "translators: beam size for the beam-search BLEU (1: greedy only)")->check(CLI::Range(1, 100));
  add_device_option(app, a->device);
  return [a] {
    std::vector<std::string> runs = a->runs;
    runs.insert(runs.end(), a->ensemble.begin(), a->ensemble.end());
    if (runs.empty()) throw UserError("eval: give a run folder or checkpoint");
    CheckpointContents first = read_checkpoint(runs[0], a->data);
    const torch::Device device = eval_device(a->device, first.cfg.device);
    if (first.cfg.task == "classifier")
      return eval_classifiers(std::move(first), {runs.begin() + 1, runs.end()}, a->data, a->split, a->bs, a->confusion,
                              device);
    if (!a->confusion.empty()) throw UserError("eval: --confusion is for classifiers; " + runs[0] + " is a " + first.cfg.task);
    if (runs.size() > 1) throw UserError("eval: ensembles are of classifiers; " + runs[0] + " is a " + first.cfg.task);
    if (first.cfg.task == "translator") return eval_translator(std::move(first), a->split, a->bs, a->beam, device);
    LoadedModel lm = load_checkpoint(std::move(first));
    lm.model->to(device);
    auto comm = make_communicator("mpi");
    const int64_t bs = a->bs > 0 ? a->bs : lm.cfg.valid_bs, bptt = a->bptt > 0 ? a->bptt : lm.cfg.bptt;
    std::unique_ptr<PreparedDataset> data;
    try {  // every rank opens the same file: an error here is one they all agree on
      data = std::make_unique<PreparedDataset>(lm.cfg.data);
      data->n_tokens(a->split);
      if (data->itos() != lm.itos)
        throw UserError(lm.cfg.data + ": its vocabulary is not the model's (" + std::to_string(data->itos().size()) +
                        " vs " + std::to_string(lm.itos.size()) + " entries, or another order); evaluate on data "
                        "prepared with prep.vocab_from = the model's training file");
    } catch (const UserError& e) {
      throw AgreedError(e.what());
    }
    auto plan = plan_streams(static_cast<int64_t>(data->n_tokens(a->split)), comm->size(), comm->rank(), bs,
                             lm.cfg.backwards);
    LmSums s = allreduce_sums(*comm, evaluate_lm(*lm.model, RankStreams::load(*data, a->split, plan, bs), bptt));
    if (comm->rank() == 0) {
      double loss = s.loss / s.tokens;
      std::printf("%s %s: loss %.4f perplexity %.3f accuracy %.4f (%.0f tokens)\n", lm.cfg.data.c_str(),
                  a->split.c_str(), loss, std::exp(loss), s.correct / s.tokens, s.tokens);
    }
    return 0;
  };
}

Command add_generate(CLI::App& app) {
  struct Args {
    std::string checkpoint, prompt, data;
    GenerateOptions opts;
    bool raw = false;
  };
  auto a = std::make_shared<Args>();
  app.add_option("checkpoint", a->checkpoint, "run folder or checkpoint file")->required();
  app.add_option("--prompt", a->prompt, "text to continue")->required();
  app.add_option("--words", a->opts.words, "tokens to generate")->check(CLI::Range(int64_t{1}, int64_t{1000000}));
  app.add_option("--temperature", a->opts.temperature, "sampling temperature (> 0; below 1 favours likely tokens)")->check(greater_than(0));
  app.add_option("--top-k", a->opts.top_k, "sample among the k most likely tokens (0: all)")->check(at_least(0));
  app.add_option("--seed", a->opts.seed, "sampling seed");
  app.add_flag("!--allow-unk", a->opts.no_unk, "allow xxunk in the output");
  app.add_option("--data", a->data, "prepared dataset for the vocabulary (default: the training one)");
  app.add_flag("--raw", a->raw, "print tokens as they are, special tokens included");
  return [a] {
    if (mpi::rank() != 0) return 0;
    LoadedModel lm = load_checkpoint(a->checkpoint, a->data);
    const GeneratedText g = generate_tokens(lm, a->prompt, a->opts);
    const std::vector<std::string>& unknown = g.unknown_prompt, &tokens = g.tokens;
    if (!unknown.empty()) {
      std::string list;
      for (size_t i = 0; i < unknown.size() && i < 8; ++i) list += (i ? ", " : "") + unknown[i];
      std::fprintf(stderr, "generate: %zu prompt token(s) are not in the model's vocabulary and read as xxunk: %s%s\n",
                   unknown.size(), list.c_str(), unknown.size() > 8 ? ", ..." : "");
    }
    if (a->raw) {
      for (size_t i = 0; i < tokens.size(); ++i) std::printf("%s%s", i ? " " : "", tokens[i].c_str());
      std::printf("\n");
    } else {
      std::printf("%s\n", detokenize(tokens, tokenizer_kind(lm)).c_str());
    }
    return 0;
  };
}

}  // namespace parlance::cli
