#include "train/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "data/input_hash.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {
namespace {

torch::Tensor bytes_tensor(const std::string& s) {
  return torch::from_blob(const_cast<char*>(s.data()), {static_cast<int64_t>(s.size())}, torch::kUInt8).clone();
}

// An archive opened for resuming on a GPU holds its tensors there: read the
// bytes from a host copy (reading device memory from the host is a segfault).
std::string tensor_bytes(const torch::Tensor& t) {
  const torch::Tensor host = t.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(host.data_ptr()), static_cast<size_t>(host.numel()));
}

fs::path checkpoint_file(const std::string& path) {
  return fs::is_directory(path) ? fs::path(path) / "checkpoints" / "last.pt" : fs::path(path);
}

// Checksums. Beside each file this module writes, FILE.xxh64 lists in
// xxh64sum's format the XXH64 of the file and, on a second line, that of the
// file it replaced: the listing is renamed into place before the file, so a
// crash between the two renames leaves a file the listing names either way.
// A file whose hash is not listed is damaged (flipped bits on disk or in a
// copy); one without a listing (copied alone, or older) is not checked.
std::string checksum_path(const std::string& file) { return file + ".xxh64"; }

std::vector<std::string> listed_hashes(const std::string& file) {
  std::vector<std::string> out;
  std::ifstream in(checksum_path(file));
  for (std::string line; std::getline(in, line);) out.push_back(line.substr(0, line.find(' ')));
  return out;
}

void verify_checksum(const std::string& file) {
  const auto listed = listed_hashes(file);
  if (listed.empty()) return;
  const std::string actual = hex64(xxh64_file(file));
  for (const auto& h : listed)
    if (h == actual) return;
  throw UserError(file + ": damaged: its XXH64 " + actual + " is not the one recorded in " + checksum_path(file) +
                  " when it was written (" + listed.front() + "); restore it from a copy or start the run over");
}

// The archive at `file`, its tensors on `device`; a missing, damaged, truncated
// or foreign file is a UserError naming it (`what`: what the file should be).
void open_archive(torch::serialize::InputArchive& archive, const std::string& file, torch::Device device,
                  const std::string& what) {
  if (!fs::exists(file)) throw UserError(file + ": no " + what + " there");
  verify_checksum(file);
  try {
    archive.load_from(file, device);
  } catch (const c10::Error& e) {
    throw UserError(file + ": unreadable (truncated or not a parlance " + what + "): " +
                    std::string(e.what_without_backtrace()).substr(0, 160));
  }
}

DatasetCard read_card(torch::serialize::InputArchive& archive, const std::string& file) {
  torch::Tensor card;
  if (!archive.try_read("dataset_card", card))
    throw UserError(file + ": has no dataset card, so its vocabulary is unknown (written by an older parlance? train it again)");
  return DatasetCard::deserialize(tensor_bytes(card), file);
}

void save_atomically(torch::serialize::OutputArchive& archive, const std::string& path) {
  const std::string tmp = path + ".tmp", name = fs::path(path).filename().string();
  archive.save_to(tmp);
  std::string listing = hex64(xxh64_file(tmp)) + "  " + name + "\n";
  const auto previous = listed_hashes(path);
  if (fs::exists(path) && !previous.empty()) listing += previous.front() + "  " + name + "\n";
  write_file_atomically(checksum_path(path), listing);
  fs::rename(tmp, path);  // a reader sees the previous file or this one, never half of one
}

}  // namespace

void save_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::Optimizer& opt,
                     const CheckpointInfo& info, const ResumeState& extra) {
  torch::serialize::OutputArchive archive, model_archive, opt_archive;
  model.save(model_archive);
  opt.save(opt_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", opt_archive);
  archive.write("epoch", torch::tensor(info.epoch));
  archive.write("step", torch::tensor(info.step));
  archive.write("config", bytes_tensor(info.config_toml));
  if (!info.card.empty()) archive.write("dataset_card", bytes_tensor(info.card));
  for (const auto& [name, t] : extra) archive.write("extra_" + name, t);
  save_atomically(archive, path);
}

void save_encoder(const std::string& path, Model& model, const std::string& card) {
  auto encoder = model.encoder();
  if (!encoder) throw UserError("train.save_encoder: this model is not built as encoder + head (use model.arch = awd_lstm)");
  torch::serialize::OutputArchive archive, encoder_archive;
  encoder->save(encoder_archive);
  archive.write("encoder", encoder_archive);
  archive.write("dataset_card", bytes_tensor(card));
  save_atomically(archive, path);
}

PretrainedWeights read_pretrained(const std::string& path) {
  PretrainedWeights p;
  p.file = checkpoint_file(path).string();
  torch::serialize::InputArchive archive;
  open_archive(archive, p.file, torch::kCPU, "checkpoint or encoder");  // the caller moves the model
  p.card = read_card(archive, p.file);
  p.encoder_only = !archive.try_read("model", p.weights);
  if (p.encoder_only && !archive.try_read("encoder", p.weights))
    throw UserError(p.file + ": holds neither a model nor an encoder");
  return p;
}

ResumeState restore_checkpoint(const std::string& path, torch::nn::Module& model, torch::optim::Optimizer& opt,
                               const std::vector<std::string>& extra_names, const DatasetCard& data_card) {
  torch::serialize::InputArchive archive, model_archive, opt_archive;
  // Straight onto the model's device: the optimizer state must live where the parameters do.
  open_archive(archive, path, model.parameters().front().device(), "checkpoint to resume from");
  const std::string differs = card_difference(read_card(archive, path), data_card);
  if (!differs.empty())
    throw UserError(path + ": was trained on other data than this run's dataset: " + differs +
                    "; resume with the dataset it was trained on (or start a new run with train.init = this run)");
  // LibTorch's Module::load replaces tensors whatever their shape: compare them first.
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& p : model.named_parameters()) shapes[p.key()] = p.value().sizes().vec();
  try {
    archive.read("model", model_archive);
    archive.read("optimizer", opt_archive);
    model.load(model_archive);
    opt.load(opt_archive);
  } catch (const c10::Error& e) {
    throw UserError(path + ": does not fit this recipe's model and optimizer (another vocabulary, size or "
                    "optimizer?): " + std::string(e.what_without_backtrace()).substr(0, 160));
  }
  for (const auto& p : model.named_parameters())
    if (p.value().sizes().vec() != shapes[p.key()])
      throw UserError(path + ": its " + p.key() + " has shape " + c10::str(p.value().sizes()) + ", this recipe's model " +
                      c10::str(c10::IntArrayRef(shapes[p.key()])) + " (another model size in the recipe?)");
  ResumeState out;
  for (const auto& name : extra_names) {
    torch::Tensor t;
    if (!archive.try_read("extra_" + name, t))
      throw UserError(path + ": has no resume state \"" + name + "\" (written by an older parlance?)");
    out[name] = t;
  }
  return out;
}

CheckpointContents read_checkpoint(const std::string& path, const std::string& data_override) {
  CheckpointContents c;
  c.file = checkpoint_file(path).string();
  torch::serialize::InputArchive archive;
  open_archive(archive, c.file, torch::kCPU, "checkpoint");
  torch::Tensor config, epoch, step;
  if (!archive.try_read("config", config) || !archive.try_read("epoch", epoch) || !archive.try_read("step", step) ||
      !archive.try_read("model", c.weights))
    throw UserError(c.file + ": not a training checkpoint (an encoder.pt initializes training through train.init)");
  c.card = read_card(archive, c.file);
  c.cfg = train_config_from(Config::parse(tensor_bytes(config), c.file, {}, train_schema()));
  if (!data_override.empty()) c.cfg.data = data_override;
  c.epoch = epoch.item<int64_t>();
  c.step = step.item<int64_t>();
  return c;
}

void load_weights(CheckpointContents& c, torch::nn::Module& model) {
  try {
    model.load(c.weights);
  } catch (const c10::Error& e) {
    throw UserError(c.file + ": weights do not fit the model its recipe describes (" +
                    std::string(e.what_without_backtrace()).substr(0, 160) + ")");
  }
}

LoadedModel load_checkpoint(const std::string& path, const std::string& data_override) {
  return load_checkpoint(read_checkpoint(path, data_override));
}

LoadedModel load_checkpoint(CheckpointContents c) {
  if (c.cfg.task != "language_model")
    throw UserError(c.file + ": a " + c.cfg.task + " run, not a language model");
  LoadedModel out;
  out.cfg = c.cfg;
  out.card = c.card;
  out.itos = out.card.stream("").itos;
  LmSpec spec = out.cfg.model;
  spec.vocab = static_cast<int64_t>(out.itos.size());
  out.model = make_language_model(spec);
  load_weights(c, *out.model);
  out.epoch = c.epoch;
  out.step = c.step;
  return out;
}

}  // namespace parlance
