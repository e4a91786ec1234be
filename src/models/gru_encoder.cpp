#include "models/gru_encoder.h"

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
  const int64_t S = src.size(0), B = src.size(1);
  const torch::Tensor mask = src.ne(spec_.src_pad_idx);
  const torch::Tensor lengths = mask.sum(0).to(torch::kCPU, torch::kInt64);
  torch::Tensor x = F::dropout(emb_->forward(src), F::DropoutFuncOptions().p(spec_.enc_embed_p).training(is_training()));
  auto packed = torch::nn::utils::rnn::pack_padded_sequence(x, lengths, /*batch_first=*/false, /*enforce_sorted=*/false);
  auto [out_packed, h] = gru_->forward_with_packed_input(packed);
  torch::Tensor outputs = std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(out_packed, false, 0.0, S));
  if (spec_.bidirectional)  // (layers·2, B, H) → (layers, B, 2H): both directions of a layer side by side
    h = h.view({spec_.layers, 2, B, spec_.hidden}).permute({0, 2, 1, 3}).reshape({spec_.layers, B, 2 * spec_.hidden});
  h = bridge_->forward(F::dropout(h, F::DropoutFuncOptions().p(spec_.bridge_p).training(is_training())));
  return {h, {outputs, mask}};
}

}  // namespace parlance
