#include "models/lstm_layer.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

struct Inputs {
  std::vector<torch::Tensor> t;  // x, h0, c0, w_ih, w_hh, b_ih, b_hh
};

Inputs random_inputs(int64_t T, int64_t B, int64_t I, int64_t H, torch::Dtype dtype) {
  auto o = torch::TensorOptions().dtype(dtype);
  Inputs in;
  for (auto shape : std::vector<std::vector<int64_t>>{{T, B, I}, {1, B, H}, {1, B, H}, {4 * H, I}, {4 * H, H}, {4 * H}, {4 * H}})
    in.t.push_back(torch::randn(shape, o).requires_grad_(true));
  return in;
}

// Runs `layer`, then backward of a random weighting of all three outputs;
// returns the outputs followed by the seven input gradients.
template <typename Layer>
std::vector<torch::Tensor> run(Layer layer, const Inputs& in, const std::vector<torch::Tensor>& upstream, bool use_state_grads) {
  for (auto& t : in.t) t.mutable_grad() = torch::Tensor();
  auto [out, h, c] = layer(in.t[0], in.t[1], in.t[2], in.t[3], in.t[4], in.t[5], in.t[6]);
  auto loss = (out * upstream[0]).sum();
  if (use_state_grads) loss = loss + (h * upstream[1]).sum() + (c * upstream[2]).sum();
  loss.backward();
  std::vector<torch::Tensor> r{out.detach(), h.detach(), c.detach()};
  for (auto& t : in.t) r.push_back(t.grad().clone());
  return r;
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> reference(const torch::Tensor& x, const torch::Tensor& h0,
                                                                  const torch::Tensor& c0, const torch::Tensor& w_ih,
                                                                  const torch::Tensor& w_hh, const torch::Tensor& b_ih,
                                                                  const torch::Tensor& b_hh) {
  auto [o, h, c] = torch::lstm(x, {h0, c0}, {w_ih, w_hh, b_ih, b_hh}, true, 1, 0.0, true, false, false);
  return {o, h, c};
}

TEST(CpuLstmLayer, OutputsAndAllGradientsEqualTorchLstmInDoublePrecision) {
  const char* names[] = {"out", "h_n", "c_n", "dx", "dh0", "dc0", "dw_ih", "dw_hh", "db_ih", "db_hh"};
  for (int64_t T : {1, 2, 9}) {
    for (bool state_grads : {true, false}) {
      torch::manual_seed(T * 10 + state_grads);
      auto in = random_inputs(T, 3, 5, 4, torch::kFloat64);
      std::vector<torch::Tensor> up{torch::randn({T, 3, 4}, torch::kFloat64), torch::randn({1, 3, 4}, torch::kFloat64),
                                    torch::randn({1, 3, 4}, torch::kFloat64)};
      auto got = run(cpu_lstm_layer, in, up, state_grads);
      auto want = run(reference, in, up, state_grads);
      ASSERT_EQ(got.size(), want.size());
      for (size_t k = 0; k < got.size(); ++k)
        EXPECT_TRUE(torch::allclose(got[k], want[k], 1e-10, 1e-12)) << names[k] << " T=" << T << " state_grads=" << state_grads
                                                                    << "\n" << (got[k] - want[k]).abs().max();
    }
  }
}

TEST(CpuLstmLayer, FloatAgreesWithTorchLstmAndDispatchUsesIt) {
  torch::manual_seed(5);
  auto in = random_inputs(20, 8, 16, 24, torch::kFloat32);
  std::vector<torch::Tensor> up{torch::randn({20, 8, 24}), torch::randn({1, 8, 24}), torch::randn({1, 8, 24})};
  auto got = run(lstm_layer, in, up, true);
  auto want = run(reference, in, up, true);
  for (size_t k = 0; k < got.size(); ++k) {
    double rel = ((got[k] - want[k]).norm() / want[k].norm()).item<double>();
    EXPECT_LT(rel, 1e-5) << k;
  }
  // The CPU path is one autograd node, not a graph per time step.
  auto [out, h, c] = lstm_layer(in.t[0], in.t[1], in.t[2], in.t[3], in.t[4], in.t[5], in.t[6]);
  EXPECT_NE(std::string(out.grad_fn()->name()).find("CpuLstmFunction"), std::string::npos) << out.grad_fn()->name();
}

TEST(CpuLstmLayer, NoGradModeComputesTheSameOutputs) {
  torch::manual_seed(6);
  auto in = random_inputs(4, 2, 3, 5, torch::kFloat64);
  auto [o1, h1, c1] = cpu_lstm_layer(in.t[0], in.t[1], in.t[2], in.t[3], in.t[4], in.t[5], in.t[6]);
  torch::NoGradGuard no_grad;
  auto [o2, h2, c2] = cpu_lstm_layer(in.t[0], in.t[1], in.t[2], in.t[3], in.t[4], in.t[5], in.t[6]);
  EXPECT_TRUE(torch::equal(o1.detach(), o2));
  EXPECT_TRUE(torch::equal(c1.detach(), c2));
  EXPECT_FALSE(o2.requires_grad());
}

}  // namespace
}  // namespace parlance
