#include "util/openblas_kernels.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

namespace parlance {

namespace {
using CorenameFn = char* (*)();

std::string corename_via(void* handle) {
  auto fn = reinterpret_cast<CorenameFn>(dlsym(handle, "openblas_get_corename"));
  const char* name = fn ? fn() : nullptr;
  return name ? name : "";
}

bool user_chose_kernels() {
  const char* set = std::getenv("OPENBLAS_CORETYPE");
  return set && *set;
}

// Sets OPENBLAS_CORETYPE to better_openblas_core(detected, this CPU) when
// there is one; says whether it did.
bool ask_for_better_kernels(const std::string& detected) {
  const std::string better = better_openblas_core(detected, CpuVectorUnits::of_this_cpu());
  if (better.empty()) return false;
  setenv("OPENBLAS_CORETYPE", better.c_str(), 1);
  return true;
}
}  // namespace

CpuVectorUnits CpuVectorUnits::of_this_cpu() {
  CpuVectorUnits u;
#if defined(__x86_64__)
  // __builtin_cpu_supports reads CPUID and checks the OS saves the registers.
  u.avx = __builtin_cpu_supports("avx");
  u.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  u.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512cd");
#endif
  return u;
}

std::string better_openblas_core(const std::string& detected, const CpuVectorUnits& cpu) {
  // OpenBLAS's x86 cores without AVX kernels: what an unknown model falls back to.
  static const std::set<std::string> kPreAvx = {"Katmai",  "Coppermine", "Northwood", "Prescott", "Banias",
                                                "Core2",   "Penryn",     "Dunnington", "Nehalem", "Atom",
                                                "Opteron", "Opteron(SSE3)", "Barcelona", "Nano",  "Bobcat"};
  if (!kPreAvx.count(detected)) return "";
  if (cpu.avx512) return "SkylakeX";
  if (cpu.avx2_fma) return "Haswell";
  if (cpu.avx) return "Sandybridge";
  return "";
}

std::string openblas_core_of(const char* library) {
  void* h = dlopen(library, RTLD_LAZY | RTLD_LOCAL);
  if (!h) return "";
  std::string core = corename_via(h);
  dlclose(h);
  return core;
}

void choose_openblas_kernels() {
  if (!user_chose_kernels()) ask_for_better_kernels(openblas_core_of());  // no dlopen when the user chose
}

void rerun_if_openblas_misjudged(char** argv) {
  // The rerun finds OPENBLAS_CORETYPE set: no second exec.
  if (!user_chose_kernels() && ask_for_better_kernels(corename_via(RTLD_DEFAULT))) execv("/proc/self/exe", argv);
}

std::string openblas_kernels_in_use() {
  const std::string core = corename_via(RTLD_DEFAULT);
  if (core.empty()) return "";
  return "OpenBLAS kernels: " + core +
         (user_chose_kernels() ? std::string(" (OPENBLAS_CORETYPE=") + std::getenv("OPENBLAS_CORETYPE") + ")" : "");
}

}  // namespace parlance
