// bench_train_step_graph: the speed levers of the GPU-speed issue, each alone,
// on one GPU and one process (no gradient reduction: with one rank there is
// nothing to reduce), for the AWD-LSTM step of bench_train_step (forward,
// AR/TAR loss, backward, clipping at 0.12, AdamW) on random tokens:
//   eager   torch::optim::AdamW, as the trainer steps today
//   fused   the same step with one multi-tensor AdamW kernel (_fused_adamw_,
//           step counts on the device) instead of ~10 kernels per parameter
//   graph   the fused step captured once as a CUDA graph and replayed: the
//           forward, backward, clipping, optimizer and the carry of the hidden
//           state are one launch. Dropout masks stay fresh: the CUDA generator
//           advances its offset on every replay.
// Prints one JSON line per mode with tokens/s and the loss before and after
// the timed steps (a graph whose optimizer did nothing would show no drop).
// CUDA LibTorch only (CMake builds it when LibTorch has CUDA).
// usage: bench_train_step_graph VOCAB EMB HIDDEN LAYERS BS BPTT STEPS MODE [fp32|bf16]
#include <ATen/autocast_mode.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "lm/lm_loss.h"
#include "models/awd_lstm.h"
#include "train/grad_clip.h"
#include "train/mixed_precision.h"
#include "train/warn_once.h"

namespace {

using parlance::Precision;

constexpr double kLr = 1e-3, kBeta1 = 0.8, kBeta2 = 0.99, kWd = 0.01, kEps = 1e-8, kClip = 0.12;

// AdamW through PyTorch's fused multi-tensor kernel. The step counts live on
// the device (one float per parameter), so a captured step reads and bumps
// them on every replay instead of baking in the count seen at capture.
class FusedAdamW {
 public:
  explicit FusedAdamW(std::vector<torch::Tensor> params) : params_(std::move(params)) {
    for (const auto& p : params_) {
      exp_avg_.push_back(torch::zeros_like(p));
      exp_avg_sq_.push_back(torch::zeros_like(p));
      steps_.push_back(torch::zeros({}, p.options().dtype(torch::kFloat32)));
    }
  }
  void step() {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> grads;
    for (const auto& p : params_) grads.push_back(p.grad());
    at::_foreach_add_(steps_, 1.0);
    at::_fused_adamw_(params_, grads, exp_avg_, exp_avg_sq_, {}, steps_, kLr, kBeta1, kBeta2, kWd, kEps,
                      /*amsgrad=*/false, /*maximize=*/false);
  }

 private:
  std::vector<torch::Tensor> params_, exp_avg_, exp_avg_sq_, steps_;
};

struct Bench {
  parlance::AwdLstm& model;
  torch::Device device;
  Precision precision;
  parlance::LmState state;
  torch::Tensor tokens;
  int64_t bptt;

  // Forward + loss + backward; the new hidden state is copied into `state`'s
  // tensors (in place, so a captured step carries it from replay to replay).
  torch::Tensor forward_backward() {
    parlance::LmState s;
    for (const auto& t : state) s.push_back(t.detach());
    torch::Tensor total;
    {
      parlance::AutocastScope autocast(device, precision);
      total = parlance::lm_loss(model.forward(tokens.narrow(0, 0, bptt), s), tokens.narrow(0, 1, bptt), 2.0, 1.0)
                  .total;
    }
    total.backward();
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < state.size(); ++i) state[i].copy_(s[i].detach());
    return total.detach();
  }
};

void zero_grads(const std::vector<torch::Tensor>& params) {
  for (auto p : params) p.mutable_grad() = torch::Tensor();
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 9) {
    std::fprintf(stderr, "usage: %s VOCAB EMB HIDDEN LAYERS BS BPTT STEPS eager|fused|graph [fp32|bf16]\n", argv[0]);
    return 2;
  }
  auto arg = [&](int i) { return std::atol(argv[i]); };
  const int64_t vocab = arg(1), emb = arg(2), hidden = arg(3), layers = arg(4), bs = arg(5), bptt = arg(6),
                steps = arg(7);
  const std::string mode = argv[8];
  const Precision precision = parlance::parse_precision(argc > 9 ? argv[9] : "fp32");
  if (mode != "eager" && mode != "fused" && mode != "graph") throw std::runtime_error("unknown mode " + mode);
  const torch::Device device(torch::kCUDA, 0);
  parlance::show_each_libtorch_warning_once(0);  // as training does
  parlance::LmSpec spec;
  spec.vocab = vocab, spec.emb = emb, spec.hidden = hidden, spec.layers = layers, spec.drop_mult = 0.5;
  torch::manual_seed(0);
  parlance::AwdLstm model(spec);
  model.to(device);
  Bench b{model, device, precision, model.initial_state(bs, device),
          torch::randint(0, vocab, {bptt + 1, bs}, torch::kInt64).to(device), bptt};
  const auto params = model.parameters();

  torch::optim::AdamW eager_opt(params, torch::optim::AdamWOptions(kLr).betas({kBeta1, kBeta2}).weight_decay(kWd));
  FusedAdamW fused_opt(params);
  torch::Tensor loss;
  bool capturing = false;
  auto step = [&] {
    loss = b.forward_backward();
    parlance::clip_grad_norm(params, kClip);
    if (mode == "eager") {
      eager_opt.step();
      eager_opt.zero_grad();
    } else {
      fused_opt.step();
      // A captured step keeps its gradients: they are the graph's buffers,
      // which the captured backward overwrites (not accumulates) on replay.
      if (!capturing) zero_grads(params);
    }
  };

  at::cuda::CUDAGraph graph;
  // Warm-up on a side stream (lazy cuBLAS/cuDNN set-up happens outside any capture).
  auto side = c10::cuda::getStreamFromPool();
  {
    c10::cuda::CUDAStreamGuard guard(side);
    for (int i = 0; i < 3; ++i) step();
    if (mode == "graph") {
      // Autocast's weight cache must not outlive a capture; the captured
      // backward allocates the gradients in the graph's pool, so none exist now.
      at::autocast::set_autocast_cache_enabled(false);
      torch::cuda::synchronize();
      capturing = true;
      graph.capture_begin();
      step();
      graph.capture_end();
      capturing = false;
    }
  }
  torch::cuda::synchronize();
  const auto run = [&] { mode == "graph" ? graph.replay() : step(); };
  run();
  const float before = loss.item<float>();
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < steps; ++i) run();
  const float after = loss.item<float>();  // waits for the device's queue
  const double secs = seconds_since(t0);
  std::printf("{\"impl\": \"parlance-%s\", \"precision\": \"%s\", \"bs\": %ld, \"tokens_per_s\": %.1f, "
              "\"ms_per_step\": %.3f, \"loss_before\": %.4f, \"loss_after\": %.4f}\n",
              mode.c_str(), parlance::precision_name(precision).c_str(), static_cast<long>(bs),
              static_cast<double>(steps * bptt * bs) / secs, 1000.0 * secs / static_cast<double>(steps), before,
              after);
  return 0;
} catch (const std::exception& e) {
  // The whole message on stderr; its first line, JSON-safe, where bench/gpu_step collects results.
  std::fprintf(stderr, "bench_train_step_graph: %s\n", e.what());
  std::string first(e.what());
  first = first.substr(0, std::min(first.find('\n'), size_t{240}));
  for (char& c : first)
    if (c == '"' || c == '\\') c = '\'';
  std::printf("{\"impl\": \"parlance-%s\", \"error\": \"%s\"}\n", argc > 8 ? argv[8] : "?", first.c_str());
  return 1;
}
