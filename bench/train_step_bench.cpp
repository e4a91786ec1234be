// bench_train_step: tokens/s of the AWD-LSTM training step (forward, AR/TAR
// loss, backward, gradient reduction, clipping, AdamW) on random tokens, on
// every rank of the job. Same work as bench/awd_lstm_ref.py does in Python.
// usage: bench_train_step VOCAB EMB HIDDEN LAYERS BS BPTT STEPS THREADS [cpu|cuda] [fp32|bf16|fp16]
// On CUDA the timed loop never waits for the device; one read of the last
// loss at the end waits for all of it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "comm/communicator.h"
#include "comm/gradient_reducer.h"
#include "comm/mpi_world.h"
#include "models/awd_lstm.h"
#include "lm/lm_loss.h"
#include "train/grad_clip.h"
#include "train/mixed_precision.h"
#include "train/warn_once.h"

int main(int argc, char** argv) {
  using namespace parlance;
  mpi::World world(&argc, &argv);
  auto arg = [&](int i, long def) { return argc > i ? std::atol(argv[i]) : def; };
  const int64_t vocab = arg(1, 10000), emb = arg(2, 200), hidden = arg(3, 400), layers = arg(4, 3), bs = arg(5, 32),
                bptt = arg(6, 70), steps = arg(7, 20), threads = arg(8, 1);
  const torch::Device device = argc > 9 && std::string(argv[9]) == "cuda"
                                  ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(mpi::local_rank()))
                                  : torch::Device(torch::kCPU);
  const Precision precision = parse_precision(argc > 10 ? argv[10] : "fp32");
  torch::set_num_threads(static_cast<int>(threads));
  auto comm = make_communicator(device.is_cuda() ? "nccl" : "mpi");  // as training picks for one GPU per rank
  show_each_libtorch_warning_once(comm->rank());  // as training does (cuDNN warns on every DropConnect'd step)
  LmSpec spec;
  spec.vocab = vocab, spec.emb = emb, spec.hidden = hidden, spec.layers = layers, spec.drop_mult = 0.5;
  torch::manual_seed(0);
  AwdLstm model(spec);
  model.to(device);
  GradientReducer reducer(*comm, model.parameters());
  reducer.broadcast_parameters();
  torch::optim::AdamW opt(model.parameters(), torch::optim::AdamWOptions(1e-3).betas({0.8, 0.99}).weight_decay(0.01));
  auto state = model.initial_state(bs, device);
  auto tokens = torch::randint(0, vocab, {bptt + 1, bs}, torch::kInt64).to(device);
  LossScaler scaler(precision == Precision::Fp16);
  torch::Tensor last;
  auto step = [&] {
    for (auto& t : state) t = t.detach();
    reducer.prepare(true);
    torch::Tensor total;
    {
      AutocastScope autocast(device, precision);
      total = lm_loss(model.forward(tokens.narrow(0, 0, bptt), state), tokens.narrow(0, 1, bptt), 2.0, 1.0).total;
    }
    scaler.scale_loss(total).backward();
    last = total.detach();
    reducer.finalize();
    // fp16: the one host sync per step (an overflow skips the step, as in training).
    const bool finite = !scaler.enabled() || scaler.unscale(model.parameters());
    scaler.update(finite);
    clip_grad_norm(model.parameters(), 0.12);
    if (finite) opt.step();
    opt.zero_grad();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up
  last.item<float>();
  comm->barrier();
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < steps; ++i) step();
  last.item<float>();  // waits for the device's queue
  comm->barrier();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double per_rank = static_cast<double>(steps * bptt * bs) / secs;
  if (comm->rank() == 0)
    std::printf("{\"impl\": \"parlance\", \"ranks\": %d, \"device\": \"%s\", \"precision\": \"%s\", "
                "\"tokens_per_s_per_rank\": %.1f, \"tokens_per_s\": %.1f, \"seconds\": %.3f, \"ms_per_step\": %.3f}\n",
                comm->size(), device.str().c_str(), precision_name(precision).c_str(), per_rank, per_rank * comm->size(),
                secs, 1000.0 * secs / static_cast<double>(steps));
  return 0;
}
