// bench_train_step: tokens/s of the AWD-LSTM training step (forward, AR/TAR
// loss, backward, gradient reduction, clipping, AdamW) on random tokens, on
// every rank of the job. Same work as bench/awd_lstm_ref.py does in Python.
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "comm/communicator.h"
#include "comm/gradient_reducer.h"
#include "comm/mpi_world.h"
#include "models/awd_lstm.h"
#include "train/grad_clip.h"
#include "lm/lm_loss.h"

int main(int argc, char** argv) {
  using namespace parlance;
  mpi::World world(&argc, &argv);
  auto arg = [&](int i, long def) { return argc > i ? std::atol(argv[i]) : def; };
  const int64_t vocab = arg(1, 10000), emb = arg(2, 200), hidden = arg(3, 400), layers = arg(4, 3), bs = arg(5, 32),
                bptt = arg(6, 70), steps = arg(7, 20), threads = arg(8, 1);
  torch::set_num_threads(static_cast<int>(threads));
  auto comm = make_communicator("mpi");
  LmSpec spec;
  spec.vocab = vocab, spec.emb = emb, spec.hidden = hidden, spec.layers = layers, spec.drop_mult = 0.5;
  torch::manual_seed(0);
  AwdLstm model(spec);
  GradientReducer reducer(*comm, model.parameters());
  reducer.broadcast_parameters();
  torch::optim::AdamW opt(model.parameters(), torch::optim::AdamWOptions(1e-3).betas({0.8, 0.99}).weight_decay(0.01));
  auto state = model.initial_state(bs, torch::kCPU);
  auto tokens = torch::randint(0, vocab, {bptt + 1, bs}, torch::kInt64);
  auto step = [&] {
    for (auto& t : state) t = t.detach();
    reducer.prepare(true);
    auto loss = lm_loss(model.forward(tokens.narrow(0, 0, bptt), state), tokens.narrow(0, 1, bptt), 2.0, 1.0);
    loss.total.backward();
    reducer.finalize();
    clip_grad_norm(model.parameters(), 0.12);
    opt.step();
    opt.zero_grad();
  };
  for (int i = 0; i < 3; ++i) step();  // warm-up
  comm->barrier();
  auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < steps; ++i) step();
  comm->barrier();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double per_rank = static_cast<double>(steps * bptt * bs) / secs;
  if (comm->rank() == 0)
    std::printf("{\"impl\": \"parlance\", \"ranks\": %d, \"tokens_per_s_per_rank\": %.1f, \"tokens_per_s\": %.1f, \"seconds\": %.3f}\n",
                comm->size(), per_rank, per_rank * comm->size(), secs);
  return 0;
}
