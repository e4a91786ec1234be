#pragma once
// OpenBLAS chooses its kernels from the CPU model when it is loaded, and a
// model it does not know gets its oldest x86-64 kernels. Debian 12's OpenBLAS
// (0.3.21) takes an Intel Xeon of model 207 (Emerald Rapids, seen as a CI VM
// here) for a "Prescott" (SSE3): 1024² sgemm ran at 20 GFLOPS on one core
// against 117 with its SkylakeX (AVX-512) kernels, and an AWD-LSTM epoch took
// twice as long. LibTorch on CPU does its matrix products in that BLAS.
//
// `parlance` looks before it hands a command to `parlance-torch` (which loads
// LibTorch and with it OpenBLAS): when the BLAS there is OpenBLAS, it picked
// pre-AVX kernels and the CPU has AVX2 or AVX-512, it sets OPENBLAS_CORETYPE
// for the process it becomes. A user's own OPENBLAS_CORETYPE is left alone,
// as is any detection that found AVX kernels.
#include <string>

namespace parlance {

struct CpuVectorUnits {
  bool avx = false, avx2_fma = false, avx512 = false;  // avx512: F, BW, VL, DQ and CD
  static CpuVectorUnits of_this_cpu();
};

// The OpenBLAS core (its OPENBLAS_CORETYPE name) to use instead of `detected`,
// or "" when `detected` is not one of OpenBLAS's pre-AVX x86 cores or the CPU
// has nothing better.
std::string better_openblas_core(const std::string& detected, const CpuVectorUnits& cpu);

// OpenBLAS's name for the kernels of the BLAS that `library` (a soname, as
// the dynamic linker finds it) is, loaded on its own; "" when it cannot be
// loaded or is not OpenBLAS.
std::string openblas_core_of(const char* library = "libblas.so.3");

// Sets OPENBLAS_CORETYPE (unless set) to better_openblas_core(...) of the BLAS
// LibTorch will load. Call before that BLAS is loaded (before exec).
void choose_openblas_kernels();

// For a process that has OpenBLAS loaded already (parlance-torch started
// directly): when choose_openblas_kernels() would have set OPENBLAS_CORETYPE,
// sets it and runs this program again (execv; argv as given) — a second of
// start-up against twice the training speed. Returns when nothing is to do
// (or the exec failed). Call first thing in main, before MPI starts.
void rerun_if_openblas_misjudged(char** argv);

// One line for a log: which BLAS kernels this process runs, e.g. "OpenBLAS
// kernels: SkylakeX (OPENBLAS_CORETYPE=SkylakeX)", or "" when the BLAS
// loaded in this process is not OpenBLAS.
std::string openblas_kernels_in_use();

}  // namespace parlance
