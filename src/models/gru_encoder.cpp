#include "models/gru_encoder.h"

#include "models/gru_layer.h"
#include "train/host_to_device.h"

namespace parlance {

torch::nn::Embedding padded_embedding(int64_t vocab, int64_t dim, int64_t pad_idx) {
  return torch::nn::Embedding(torch::nn::EmbeddingOptions(vocab, dim).padding_idx(pad_idx));
}

GruEncoderImpl::GruEncoderImpl(const Seq2SeqSpec& spec) : spec_(spec) {
  emb_ = register_module("embedding", padded_embedding(spec.src_vocab, spec.src_emb, spec.src_pad_idx));
  gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(spec.src_emb, spec.hidden)
                                                   .num_layers(spec.layers)
                                                   .dropout(spec.layers > 1 ? spec.enc_hidden_p : 0.0)
                                                   .bidirectional(spec.bidirectional)));
  bridge_ = register_module("bridge", torch::nn::Linear(torch::nn::LinearOptions(output_size(), spec.tgt_emb).bias(false)));
}

DecoderState GruEncoderImpl::forward(const torch::Tensor& src) {
  namespace F = torch::nn::functional;
  const int64_t B = src.size(1);
  // Packing needs the lengths on the host: from a host batch they are counted
  // there, and the ids and the mask travel, queued without waiting for the GPU.
  const torch::Device device = emb_->weight.device();
  const torch::Tensor not_pad = src.ne(spec_.src_pad_idx);
  const torch::Tensor lengths = not_pad.sum(0).to(torch::kCPU, torch::kInt64);
  const torch::Tensor ids = to_device(src, device), mask = to_device(not_pad, device);
  torch::Tensor x = F::dropout(emb_->forward(ids), F::DropoutFuncOptions().p(spec_.enc_embed_p).training(is_training()));
  auto [outputs, h] = recur(x, lengths);
  if (spec_.bidirectional)  // (layers·2, B, H) → (layers, B, 2H): both directions of a layer side by side
    h = h.view({spec_.layers, 2, B, spec_.hidden}).permute({0, 2, 1, 3}).reshape({spec_.layers, B, 2 * spec_.hidden});
  h = bridge_->forward(F::dropout(h, F::DropoutFuncOptions().p(spec_.bridge_p).training(is_training())));
  return {h, {outputs, mask}};
}

std::tuple<torch::Tensor, torch::Tensor> GruEncoderImpl::recur(const torch::Tensor& x, const torch::Tensor& lengths) {
  const bool cpu_kernel = x.is_cpu() && (x.scalar_type() == torch::kFloat32 || x.scalar_type() == torch::kFloat64);
  return cpu_kernel ? recur_on_cpu(x, lengths) : recur_packed(x, lengths);
}

std::tuple<torch::Tensor, torch::Tensor> GruEncoderImpl::recur_packed(const torch::Tensor& x,
                                                                      const torch::Tensor& lengths) {
  auto packed = torch::nn::utils::rnn::pack_padded_sequence(x, lengths, /*batch_first=*/false, /*enforce_sorted=*/false);
  auto [out_packed, h] = gru_->forward_with_packed_input(packed);
  return {std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(out_packed, false, 0.0, x.size(0))), h};
}

std::tuple<torch::Tensor, torch::Tensor> GruEncoderImpl::recur_on_cpu(const torch::Tensor& x,
                                                                      const torch::Tensor& lengths) {
  namespace F = torch::nn::functional;
  // Longest first, so each step's running rows are a prefix (gru_layer.h).
  const auto [sorted, order] = torch::sort(lengths, /*stable=*/true, /*dim=*/0, /*descending=*/true);
  const torch::Tensor unorder = torch::argsort(order);
  torch::Tensor in = x.index_select(1, order);
  const auto params = gru_->named_parameters(/*recurse=*/false);
  std::vector<torch::Tensor> finals;
  const int directions = spec_.bidirectional ? 2 : 1;
  for (int64_t l = 0; l < spec_.layers; ++l) {
    std::vector<torch::Tensor> outs;
    for (int d = 0; d < directions; ++d) {
      const std::string k = "_l" + std::to_string(l) + (d ? "_reverse" : "");
      auto [out, h] = cpu_gru_layer(in, sorted, params["weight_ih" + k], params["weight_hh" + k], params["bias_ih" + k],
                                    params["bias_hh" + k], /*reverse=*/d == 1);
      outs.push_back(out);
      finals.push_back(h);
    }
    in = directions == 2 ? torch::cat(outs, 2) : outs[0];
    if (l + 1 < spec_.layers)  // torch::nn::GRU's dropout between layers
      in = F::dropout(in, F::DropoutFuncOptions().p(spec_.enc_hidden_p).training(is_training()));
  }
  return {in.index_select(1, unorder), torch::stack(finals).index_select(1, unorder)};
}

}  // namespace parlance
