// parlance import-weights / export-weights: fastai v1 / awd-lstm-lm language
// model weights in and out (lm/fastai_weights.h).
#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "comm/mpi_world.h"
#include "lm/fastai_weights.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance::cli {
namespace {

// The recipe an imported model's checkpoint carries: its architecture and sizes.
std::string imported_recipe(const LmSpec& s, const std::string& source) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "# imported by parlance import-weights from %s\n[model]\narch = \"awd_lstm\"\nemb = %lld\nhidden = %lld\n"
                "layers = %lld\ntie_weights = %s\n\n[train]\ndata = \"%s\"\n",
                source.c_str(), static_cast<long long>(s.emb), static_cast<long long>(s.hidden),
                static_cast<long long>(s.layers), s.tie_weights ? "true" : "false", source.c_str());
  return buf;
}

int import_weights(const std::string& weights, const std::string& vocab, const std::string& out) {
  FastaiStateDict sd = read_fastai_state_dict(weights);
  std::vector<std::string> itos = read_itos_file(vocab);
  if (static_cast<int64_t>(itos.size()) != sd.spec.vocab)
    throw UserError(vocab + ": " + std::to_string(itos.size()) + " tokens, but " + weights + " has an embedding of " +
                    std::to_string(sd.spec.vocab) + " rows");
  AwdLstm model(sd.spec);
  load_fastai_state_dict(sd, model);
  DatasetCard card;
  card.source = weights;
  card.streams[""] = StreamCard{itos, tokenizer_options_json(TokenizerOptions{}), ""};  // fastai v1's rules
  const std::string recipe = imported_recipe(sd.spec, fs::absolute(weights).string());
  create_output_folder((fs::path(out) / "checkpoints").string(), "the imported run's checkpoint folder");
  write_file_atomically((fs::path(out) / "config.toml").string(), recipe);
  torch::optim::SGD no_state(model.parameters(), 0.0);
  save_checkpoint((fs::path(out) / "checkpoints" / "last.pt").string(), model, no_state,
                  CheckpointInfo{0, 0, recipe, card.serialize()});
  std::printf("imported %s (AWD-LSTM %lld/%lld/%lld, vocabulary %zu, %s decoder) into %s\n", weights.c_str(),
              static_cast<long long>(sd.spec.emb), static_cast<long long>(sd.spec.hidden),
              static_cast<long long>(sd.spec.layers), itos.size(), sd.spec.tie_weights ? "tied" : "untied", out.c_str());
  return 0;
}

int export_weights(const std::string& run, const std::string& out) {
  LoadedModel lm = load_checkpoint(run);
  auto* awd = dynamic_cast<AwdLstm*>(lm.model.get());
  if (!awd) throw UserError(run + ": model.arch " + lm.cfg.model.arch + " has no fastai counterpart (awd_lstm only)");
  create_output_folder(out, "the export folder");
  const fs::path dir(out);
  write_file_atomically((dir / "lm.pth").string(), fastai_state_dict_bytes(*awd));
  write_file_atomically((dir / "itos.pkl").string(), pickle_itos(lm.itos));
  bool one_per_line = true;
  for (const auto& t : lm.itos) one_per_line &= t.find('\n') == std::string::npos;
  std::string text;
  for (const auto& t : lm.itos) text += t + "\n";
  if (one_per_line) write_file_atomically((dir / "itos.txt").string(), text);
  std::printf("wrote %s/lm.pth and itos.pkl%s (%zu tokens)\n", out.c_str(),
              one_per_line ? " and itos.txt" : " (no itos.txt: a token holds a newline)", lm.itos.size());
  return 0;
}

}  // namespace

Command add_import_weights(CLI::App& app) {
  struct Args {
    std::string weights, vocab, out;
  };
  auto a = std::make_shared<Args>();
  app.add_option("weights", a->weights, "state dict of a fastai v1 AWD-LSTM language model (torch.save)")->required();
  app.add_option("--vocab", a->vocab, "its itos: a pickled list or one token per line")->required();
  app.add_option("--out", a->out, "run folder to create (use it as train.init, or with eval --data / generate)")->required();
  return [a] { return mpi::rank() == 0 ? import_weights(a->weights, a->vocab, a->out) : 0; };
}

Command add_export_weights(CLI::App& app) {
  struct Args {
    std::string run, out;
  };
  auto a = std::make_shared<Args>();
  app.add_option("run", a->run, "run folder or checkpoint of an awd_lstm language model")->required();
  app.add_option("--out", a->out, "folder for lm.pth (fastai v1 names), itos.pkl and itos.txt")->required();
  return [a] { return mpi::rank() == 0 ? export_weights(a->run, a->out) : 0; };
}

}  // namespace parlance::cli
