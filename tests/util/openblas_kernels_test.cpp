// Which OpenBLAS kernels parlance asks for: only in place of a pre-AVX core
// OpenBLAS fell back to, and only what the CPU runs.
#include "util/openblas_kernels.h"

#include <gtest/gtest.h>

namespace parlance {
namespace {

CpuVectorUnits units(bool avx, bool avx2_fma, bool avx512) {
  CpuVectorUnits u;
  u.avx = avx, u.avx2_fma = avx2_fma, u.avx512 = avx512;
  return u;
}

TEST(OpenblasKernels, AFallbackCoreGetsTheBestTheCpuRuns) {
  EXPECT_EQ(better_openblas_core("Prescott", units(true, true, true)), "SkylakeX");  // the Xeon VM (model 207)
  EXPECT_EQ(better_openblas_core("Prescott", units(true, true, false)), "Haswell");
  EXPECT_EQ(better_openblas_core("Core2", units(true, false, false)), "Sandybridge");
  EXPECT_EQ(better_openblas_core("Barcelona", units(true, true, false)), "Haswell");  // an AMD model it does not know
  EXPECT_EQ(better_openblas_core("Nehalem", units(false, false, false)), "");          // nothing better to run
}

TEST(OpenblasKernels, ADetectionWithAvxKernelsIsKept) {
  for (const char* core : {"Haswell", "SkylakeX", "Cooperlake", "SapphireRapids", "Zen", "Sandybridge", ""})
    EXPECT_EQ(better_openblas_core(core, units(true, true, true)), "") << core;
}

TEST(OpenblasKernels, ALibraryThatIsNotThereIsNoOpenblas) {
  EXPECT_EQ(openblas_core_of("libparlance-no-such-blas.so.3"), "");
  EXPECT_EQ(openblas_core_of("libc.so.6"), "");  // loads, but has no openblas_get_corename
}

}  // namespace
}  // namespace parlance
