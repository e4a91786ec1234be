// The CPU GRU layer and the encoder built on it against torch::nn::GRU on
// packed sequences, in double precision: outputs, final states and every
// gradient, for both directions, rows of different lengths (one as long as
// the batch, one of a single token) and a random loss over outputs and states.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "models/gru_encoder.h"
#include "models/gru_layer.h"

namespace parlance {
namespace {

constexpr int64_t kSteps = 7, kIn = 5, kHidden = 4;

bool close(const torch::Tensor& a, const torch::Tensor& b) { return torch::allclose(a, b, 1e-9, 1e-11); }

torch::Tensor packed_outputs(torch::nn::GRU& gru, const torch::Tensor& x, const torch::Tensor& lengths,
                             torch::Tensor* h_n) {
  auto packed = torch::nn::utils::rnn::pack_padded_sequence(x, lengths, false, /*enforce_sorted=*/false);
  auto [out, h] = gru->forward_with_packed_input(packed);
  *h_n = h;
  return std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(out, false, 0.0, x.size(0)));
}

class CpuGruLayer : public ::testing::TestWithParam<bool> {};

TEST_P(CpuGruLayer, MatchesTorchGruOnPackedSequences) {
  const bool reverse = GetParam();
  torch::manual_seed(11);
  const torch::Tensor lengths = torch::tensor({7, 7, 5, 3, 3, 1}, torch::kInt64);
  const int64_t B = lengths.size(0);
  torch::nn::GRU ref(torch::nn::GRUOptions(kIn, kHidden).bidirectional(true));
  ref->to(torch::kFloat64);
  const std::string sfx = reverse ? "_l0_reverse" : "_l0";
  auto p = ref->named_parameters();
  torch::Tensor x_ref = torch::randn({kSteps, B, kIn}, torch::kFloat64).requires_grad_();
  torch::Tensor x = x_ref.detach().clone().requires_grad_();
  const torch::Tensor w_out = torch::randn({kSteps, B, kHidden}, torch::kFloat64);
  const torch::Tensor w_h = torch::randn({B, kHidden}, torch::kFloat64);

  torch::Tensor h_ref;
  const torch::Tensor out_ref = packed_outputs(ref, x_ref, lengths, &h_ref)
                                    .narrow(2, reverse ? kHidden : 0, kHidden);  // this direction's half
  const torch::Tensor h1_ref = h_ref[reverse ? 1 : 0];
  ((out_ref * w_out).sum() + (h1_ref * w_h).sum()).backward();

  // The layer's own copies of the weights, so their gradients are its alone.
  auto leaf = [&](const std::string& name) { return p[name + sfx].detach().clone().requires_grad_(); };
  torch::Tensor w_ih = leaf("weight_ih"), w_hh = leaf("weight_hh"), b_ih = leaf("bias_ih"), b_hh = leaf("bias_hh");
  auto [out, h] = cpu_gru_layer(x, lengths, w_ih, w_hh, b_ih, b_hh, reverse);
  ((out * w_out).sum() + (h * w_h).sum()).backward();

  EXPECT_TRUE(close(out, out_ref)) << "outputs, zeros past each length";
  EXPECT_TRUE(close(h, h1_ref)) << "final states";
  // x's gradient mixes both directions in the reference: the encoder test
  // below compares it.
  EXPECT_TRUE(close(w_ih.grad(), p["weight_ih" + sfx].grad()));
  EXPECT_TRUE(close(w_hh.grad(), p["weight_hh" + sfx].grad()));
  EXPECT_TRUE(close(b_ih.grad(), p["bias_ih" + sfx].grad()));
  EXPECT_TRUE(close(b_hh.grad(), p["bias_hh" + sfx].grad()));
  EXPECT_EQ(out.narrow(0, 1, kSteps - 1).select(1, B - 1).abs().sum().item<double>(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Directions, CpuGruLayer, ::testing::Values(false, true));

TEST(GruEncoder, CpuKernelMatchesTorchGruPackedIncludingGradients) {
  Seq2SeqSpec spec;
  spec.src_vocab = 20, spec.src_emb = kIn, spec.hidden = kHidden, spec.layers = 2, spec.bidirectional = true;
  spec.enc_hidden_p = 0.0;  // dropout draws differ between the two paths
  torch::manual_seed(12);
  GruEncoder enc(spec);
  enc->to(torch::kFloat64);
  torch::nn::GRU ref(torch::nn::GRUOptions(kIn, kHidden).num_layers(2).bidirectional(true));
  ref->to(torch::kFloat64);
  auto mine = enc->named_parameters();
  {
    torch::NoGradGuard g;
    for (auto& q : ref->named_parameters()) q.value().copy_(mine["gru." + q.key()]);
  }
  const torch::Tensor lengths = torch::tensor({3, 7, 1, 5, 7, 2}, torch::kInt64);  // unsorted
  const int64_t B = lengths.size(0);
  torch::Tensor x_ref = torch::randn({kSteps, B, kIn}, torch::kFloat64).requires_grad_();
  torch::Tensor x = x_ref.detach().clone().requires_grad_();
  const torch::Tensor w_out = torch::randn({kSteps, B, 2 * kHidden}, torch::kFloat64);
  const torch::Tensor w_h = torch::randn({4, B, kHidden}, torch::kFloat64);

  torch::Tensor h_ref;
  const torch::Tensor out_ref = packed_outputs(ref, x_ref, lengths, &h_ref);
  ((out_ref * w_out).sum() + (h_ref * w_h).sum()).backward();
  auto [out, h] = enc->recur(x, lengths);
  ((out * w_out).sum() + (h * w_h).sum()).backward();

  EXPECT_TRUE(close(out, out_ref));
  EXPECT_TRUE(close(h, h_ref));
  EXPECT_TRUE(close(x.grad(), x_ref.grad()));
  for (auto& q : ref->named_parameters()) EXPECT_TRUE(close(mine["gru." + q.key()].grad(), q.value().grad())) << q.key();
}

}  // namespace
}  // namespace parlance
