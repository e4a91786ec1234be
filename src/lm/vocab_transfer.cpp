#include "lm/vocab_transfer.h"

#include <algorithm>
#include <unordered_map>

#include "text/utf8.h"
#include "train/checkpoint.h"
#include "util/error.h"

namespace parlance {

namespace {

// For each token of new_itos, its row in old_itos, or -1.
std::vector<int64_t> old_rows_of(const std::vector<std::string>& old_itos, const std::vector<std::string>& new_itos) {
  std::unordered_map<std::string, int64_t> old_id;
  for (size_t j = 0; j < old_itos.size(); ++j) old_id.emplace(old_itos[j], static_cast<int64_t>(j));
  std::vector<int64_t> rows;
  for (const auto& t : new_itos) {
    auto it = old_id.find(t);
    rows.push_back(it == old_id.end() ? -1 : it->second);
  }
  return rows;
}

void copy_rows(const torch::Tensor& old_rows, const std::vector<int64_t>& rows, torch::Tensor& new_rows) {
  torch::NoGradGuard no_grad;
  const torch::Tensor mean = old_rows.mean(0);
  for (size_t i = 0; i < rows.size(); ++i) new_rows[static_cast<int64_t>(i)].copy_(rows[i] < 0 ? mean : old_rows[rows[i]]);
}

}  // namespace

int64_t remap_rows(const torch::Tensor& old_rows, const std::vector<std::string>& old_itos, torch::Tensor& new_rows,
                   const std::vector<std::string>& new_itos) {
  const auto rows = old_rows_of(old_itos, new_itos);
  copy_rows(old_rows, rows, new_rows);
  return std::count_if(rows.begin(), rows.end(), [](int64_t r) { return r >= 0; });
}

std::string TransferReport::summary() const {
  std::string s = "train.init " + file + (encoder_only ? " (encoder)" : "") + ": " + std::to_string(found) + " of " +
                  std::to_string(total) + " vocabulary entries found in the pretrained vocabulary";
  if (found == total) return s;
  s += "; the other " + std::to_string(total - found) + " start from the mean row (e.g.";
  for (size_t i = 0; i < missing.size(); ++i) s += (i ? ", \"" : " \"") + utf8::visible(missing[i]) + "\"";
  return s + ")";
}

TransferReport init_from_pretrained(const std::string& path, Model& model, const std::vector<std::string>& vocab_params,
                                    const LmSpec& spec, const std::vector<std::string>& itos) {
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
  auto donor_params = donor->named_parameters();
  const auto rows = old_rows_of(old_itos, itos);
  TransferReport report{pre.file, 0, static_cast<int64_t>(itos.size()), {}, pre.encoder_only};
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] >= 0) ++report.found;
    else if (report.missing.size() < 5) report.missing.push_back(itos[i]);
  }
  torch::NoGradGuard no_grad;
  for (auto& p : model.named_parameters()) {
    const bool in_encoder = p.key().rfind("encoder.", 0) == 0;
    if (pre.encoder_only && !in_encoder) continue;  // the decoder or head keeps its init
    const torch::Tensor* from = donor_params.find(p.key());
    if (!from && !in_encoder) continue;  // a classifier's head: nothing pretrained
    if (!from) throw UserError(pre.file + ": has no " + p.key());
    if (std::find(vocab_params.begin(), vocab_params.end(), p.key()) != vocab_params.end()) {
      copy_rows(*from, rows, p.value());
    } else {
      if (!from->sizes().equals(p.value().sizes()))
        throw UserError(pre.file + ": " + p.key() + " has another shape than this recipe's model");
      p.value().copy_(*from);
    }
  }
  return report;
}

}  // namespace parlance
