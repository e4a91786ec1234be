#pragma once
// LibTorch warnings, each distinct message shown once per process. Some are
// raised every step (cuDNN's "RNN module weights are not part of single
// contiguous chunk of memory", because DropConnect hands the LSTM a freshly
// masked hidden-to-hidden matrix each forward, which cuDNN must pack anyway),
// and a log that repeats one line per layer per step hides everything else.
namespace parlance {

// Installs the handler for the calling thread (LibTorch's handlers are per
// thread; autograd replays backward-pass warnings on the thread that called
// backward). Call once from main. Only rank 0 prints: every rank runs the
// same ops, so N ranks would print N copies of each line.
void show_each_libtorch_warning_once(int rank);

}  // namespace parlance
