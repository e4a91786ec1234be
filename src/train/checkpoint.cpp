#include "train/checkpoint.h"

#include <filesystem>

#include "data/h5_file.h"
#include "util/error.h"

namespace fs = std::filesystem;

namespace parlance {

void save_checkpoint(const std::string& path, LanguageModel& model, torch::optim::Optimizer& opt, int64_t epoch,
                     int64_t step, const std::string& config_toml, const CheckpointExtras& extra) {
  torch::serialize::OutputArchive archive, model_archive, opt_archive;
  model.save(model_archive);
  opt.save(opt_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", opt_archive);
  archive.write("epoch", torch::tensor(epoch));
  archive.write("step", torch::tensor(step));
  auto bytes = torch::from_blob(const_cast<char*>(config_toml.data()), {static_cast<int64_t>(config_toml.size())},
                                torch::kUInt8)
                   .clone();
  archive.write("config", bytes);
  for (const auto& [name, t] : extra) archive.write("extra_" + name, t);
  const std::string tmp = path + ".tmp";
  archive.save_to(tmp);
  fs::rename(tmp, path);  // a reader sees the previous checkpoint or this one, never half of one
}

void save_encoder(const std::string& path, LanguageModel& model) {
  torch::serialize::OutputArchive archive;
  for (const auto& p : model.named_parameters())
    if (p.key().rfind("decoder", 0) != 0) archive.write(p.key(), p.value());
  const std::string tmp = path + ".tmp";
  archive.save_to(tmp);
  fs::rename(tmp, path);
}

void load_weights(const std::string& path, LanguageModel& model) {
  fs::path file = fs::is_directory(path) ? fs::path(path) / "checkpoints" / "last.pt" : fs::path(path);
  if (!fs::exists(file)) throw UserError(file.string() + ": no checkpoint to initialize from");
  torch::serialize::InputArchive archive, model_archive;
  archive.load_from(file.string(), torch::kCPU);  // written on a GPU or not; the caller moves the model
  archive.read("model", model_archive);
  try {
    model.load(model_archive);
  } catch (const c10::Error& e) {
    throw UserError(file.string() + ": its weights do not fit this model (same vocabulary and sizes expected): " +
                    std::string(e.what_without_backtrace()).substr(0, 200));
  }
}

CheckpointExtras restore_checkpoint(const std::string& path, LanguageModel& model, torch::optim::Optimizer& opt,
                                    const std::vector<std::string>& extra_names) {
  if (!fs::exists(path)) throw UserError(path + ": no checkpoint to resume from");
  torch::serialize::InputArchive archive, model_archive, opt_archive;
  // Straight onto the model's device: the optimizer state must live where the parameters do.
  archive.load_from(path, model.parameters().front().device());
  archive.read("model", model_archive);
  archive.read("optimizer", opt_archive);
  model.load(model_archive);
  opt.load(opt_archive);
  CheckpointExtras out;
  for (const auto& name : extra_names) {
    torch::Tensor t;
    if (!archive.try_read("extra_" + name, t))
      throw UserError(path + ": has no resume state \"" + name + "\" (written by an older parlance?)");
    out[name] = t;
  }
  return out;
}

LoadedModel load_checkpoint(const std::string& path, const std::string& data_override) {
  fs::path file = fs::is_directory(path) ? fs::path(path) / "checkpoints" / "last.pt" : fs::path(path);
  if (!fs::exists(file)) throw UserError(file.string() + ": no such checkpoint");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string(), torch::kCPU);
  } catch (const c10::Error& e) {
    throw UserError(file.string() + ": not a parlance checkpoint (" + std::string(e.what_without_backtrace()) + ")");
  }
  torch::Tensor bytes, epoch, step;
  archive.read("config", bytes);
  archive.read("epoch", epoch);
  archive.read("step", step);
  std::string toml(reinterpret_cast<const char*>(bytes.data_ptr()), static_cast<size_t>(bytes.numel()));
  LoadedModel out;
  out.cfg = train_config_from(Config::parse(toml, file.string(), {}, train_schema()));
  if (!data_override.empty()) out.cfg.data = data_override;
  out.itos = H5File(out.cfg.data, H5File::Mode::Read).read_strings("/vocab/itos");
  LmSpec spec = out.cfg.model;
  spec.vocab = static_cast<int64_t>(out.itos.size());
  out.model = make_language_model(spec);
  torch::serialize::InputArchive model_archive;
  archive.read("model", model_archive);
  try {
    out.model->load(model_archive);
  } catch (const c10::Error& e) {
    throw UserError(file.string() + ": weights do not fit the model its recipe describes (vocabulary of " +
                    out.cfg.data + " has " + std::to_string(spec.vocab) + " entries)");
  }
  out.epoch = epoch.item<int64_t>();
  out.step = step.item<int64_t>();
  return out;
}

}  // namespace parlance
