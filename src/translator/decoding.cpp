#include "translator/decoding.h"

namespace parlance {

torch::Tensor decode_for_training(Seq2SeqModel& model, DecoderState state, const torch::Tensor& tgt,
                                  const std::vector<bool>& forced, int64_t bos) {
  const int64_t T = tgt.size(0), B = tgt.size(1);
  torch::Tensor prev = torch::full({B}, bos, tgt.options());
  std::vector<torch::Tensor> logits;
  for (int64_t t = 0; t < T; ++t) {
    logits.push_back(model.step(state, prev).logits);
    if (t + 1 < T) prev = forced[static_cast<size_t>(t)] ? tgt[t] : logits.back().detach().argmax(1);
  }
  return torch::stack(logits);
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
  torch::Tensor l = fit_length(logits, tgt.size(0), 0.0);
  if (l.scalar_type() == torch::kHalf || l.scalar_type() == torch::kBFloat16) l = l.to(torch::kFloat32);
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
