#include "translator/decoding.h"

#include "train/host_to_device.h"

namespace parlance {

namespace {

torch::Tensor full_precision(const torch::Tensor& logits) {
  const bool reduced = logits.scalar_type() == torch::kHalf || logits.scalar_type() == torch::kBFloat16;
  return reduced ? logits.to(torch::kFloat32) : logits;
}

}  // namespace

Seq2SeqLossSum teacher_forced_loss(Seq2SeqModel& model, DecoderState state, const torch::Tensor& tgt,
                                   const std::vector<bool>& forced, int64_t bos, int64_t pad) {
  const int64_t T = tgt.size(0), B = tgt.size(1);
  // Longest target first (stable: ties keep the batch order), so the rows
  // still running at any position are a prefix of the batch. The lengths and
  // the order are worked out on the host (where the batch was built: no wait
  // for the GPU), the targets copied to the model's device in that order.
  const torch::Tensor host_tgt = tgt.to(torch::kCPU);
  const auto [lengths, order] = torch::sort(host_tgt.ne(pad).sum(0), /*stable=*/true, /*dim=*/0, /*descending=*/true);
  const int64_t* len = lengths.data_ptr<int64_t>();
  const torch::Device device = state.hidden.device();
  model.select(state, to_device(order, device));
  const torch::Tensor targets = to_device(host_tgt.index_select(1, order), device);
  torch::Tensor prev = torch::full({B}, bos, targets.options());
  std::vector<torch::Tensor> logits, wanted;
  int64_t live = B;
  for (int64_t t = 0; t < T; ++t) {
    int64_t still = live;
    while (still > 0 && len[still - 1] <= t) --still;
    if (still == 0) break;
    if (still < live) {
      model.keep_first(state, still);
      prev = prev.narrow(0, 0, still);
      live = still;
    }
    const torch::Tensor target = targets[t].narrow(0, 0, live);
    logits.push_back(model.step(state, prev).logits);
    wanted.push_back(target);
    if (t + 1 < T) prev = forced[static_cast<size_t>(t)] ? target : logits.back().detach().argmax(1);
  }
  const torch::Tensor sum = torch::nn::functional::cross_entropy(
      full_precision(torch::cat(logits)), torch::cat(wanted),
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
  int64_t count = 0;
  for (int64_t b = 0; b < B; ++b) count += len[b];
  return {sum, count};
}

GreedyResult greedy_decode(Seq2SeqModel& model, DecoderState state, int64_t bos, int64_t eos, int64_t pad,
                           int64_t max_len) {
  const int64_t B = state.hidden.size(1);
  const auto opts = torch::TensorOptions().dtype(torch::kInt64).device(state.hidden.device());
  torch::Tensor prev = torch::full({B}, bos, opts), done = torch::zeros({B}, opts.dtype(torch::kBool));
  std::vector<torch::Tensor> tokens, logits, attention;
  for (int64_t t = 0; t < max_len; ++t) {
    DecoderStep s = model.step(state, prev);
    const torch::Tensor live = done.logical_not();
    logits.push_back(s.logits * live.unsqueeze(1).to(s.logits.dtype()));
    prev = s.logits.argmax(1);
    tokens.push_back(prev.masked_fill(done, pad));
    if (s.attention.defined()) attention.push_back(s.attention);
    done = done.logical_or(prev.eq(eos));
    if (done.all().item<bool>()) break;
  }
  GreedyResult r{torch::stack(tokens), torch::stack(logits), {}};
  if (!attention.empty()) r.attention = torch::stack(attention);
  return r;
}

namespace {

torch::Tensor fit_length(const torch::Tensor& x, int64_t len, double value) {
  const int64_t have = x.size(0);
  if (have >= len) return x.narrow(0, 0, len);
  std::vector<int64_t> shape = x.sizes().vec();
  shape[0] = len - have;
  return torch::cat({x, torch::full(shape, value, x.options())});
}

}  // namespace

Seq2SeqLossSum seq2seq_loss(const torch::Tensor& logits, const torch::Tensor& tgt, int64_t pad) {
  const torch::Tensor l = full_precision(fit_length(logits, tgt.size(0), 0.0));
  const torch::Tensor sum = torch::nn::functional::cross_entropy(
      l.reshape({-1, l.size(2)}), tgt.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(pad).reduction(torch::kSum));
  return {sum, tgt.ne(pad).sum().item<int64_t>()};
}

int64_t seq2seq_correct(const torch::Tensor& tokens, const torch::Tensor& tgt, int64_t pad) {
  const torch::Tensor p = fit_length(tokens, tgt.size(0), static_cast<double>(pad));
  return p.eq(tgt).logical_and(tgt.ne(pad)).sum().item<int64_t>();
}

}  // namespace parlance
