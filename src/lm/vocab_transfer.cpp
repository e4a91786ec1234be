#include "lm/vocab_transfer.h"

#include <algorithm>
#include <unordered_map>

#include "train/checkpoint.h"
#include "util/error.h"

namespace parlance {

int64_t remap_rows(const torch::Tensor& old_rows, const std::vector<std::string>& old_itos, torch::Tensor& new_rows,
                   const std::vector<std::string>& new_itos) {
  torch::NoGradGuard no_grad;
  std::unordered_map<std::string, int64_t> old_id;
  for (size_t j = 0; j < old_itos.size(); ++j) old_id.emplace(old_itos[j], static_cast<int64_t>(j));
  const torch::Tensor mean = old_rows.mean(0);
  int64_t found = 0;
  for (size_t i = 0; i < new_itos.size(); ++i) {
    auto it = old_id.find(new_itos[i]);
    const bool hit = it != old_id.end();
    new_rows[static_cast<int64_t>(i)].copy_(hit ? old_rows[it->second] : mean);
    found += hit;
  }
  return found;
}

std::string TransferReport::summary() const {
  std::string s = "train.init " + file + (encoder_only ? " (encoder)" : "") + ": " + std::to_string(found) + " of " +
                  std::to_string(total) + " vocabulary entries found in the pretrained vocabulary";
  if (found == total) return s;
  s += "; the other " + std::to_string(total - found) + " start from the mean row (e.g.";
  for (size_t i = 0; i < missing.size(); ++i) s += (i ? ", \"" : " \"") + missing[i] + "\"";
  return s + ")";
}

TransferReport init_from_pretrained(const std::string& path, LanguageModel& model, const LmSpec& spec,
                                    const std::vector<std::string>& itos) {
  PretrainedWeights pre = read_pretrained(path);
  const std::vector<std::string>& old_itos = pre.card.stream().itos;
  // A donor of the pretrained vocabulary's size with this recipe's architecture.
  LmSpec donor_spec = spec;
  donor_spec.vocab = static_cast<int64_t>(old_itos.size());
  auto donor = make_language_model(donor_spec);
  try {
    if (pre.encoder_only) {
      if (!donor->encoder()) throw UserError(pre.file + ": an encoder cannot initialize model.arch " + spec.arch);
      donor->encoder()->load(pre.weights);
    } else {
      donor->load(pre.weights);
    }
  } catch (const c10::Error& e) {
    throw UserError(pre.file + ": its weights do not fit model.arch " + spec.arch + " with these sizes (" +
                    std::string(e.what_without_backtrace()).substr(0, 160) + ")");
  }
  const auto vocab_params = model.vocab_parameter_names();
  auto donor_params = donor->named_parameters();
  TransferReport report{pre.file, 0, static_cast<int64_t>(itos.size()), {}, pre.encoder_only};
  torch::NoGradGuard no_grad;
  for (auto& p : model.named_parameters()) {
    if (pre.encoder_only && p.key().rfind("encoder.", 0) != 0) continue;  // the head keeps its init
    const torch::Tensor* from = donor_params.find(p.key());
    if (!from) throw UserError(pre.file + ": has no " + p.key());
    if (std::find(vocab_params.begin(), vocab_params.end(), p.key()) != vocab_params.end()) {
      report.found = remap_rows(*from, old_itos, p.value(), itos);
    } else {
      if (!from->sizes().equals(p.value().sizes()))
        throw UserError(pre.file + ": " + p.key() + " has another shape than this recipe's model");
      p.value().copy_(*from);
    }
  }
  std::unordered_map<std::string, bool> known;
  for (const auto& t : old_itos) known.emplace(t, true);
  for (const auto& t : itos)
    if (report.missing.size() < 5 && !known.count(t)) report.missing.push_back(t);
  return report;
}

}  // namespace parlance
