#pragma once
// The project's one portable random source (SplitMix64): seeded schedules,
// splits and shuffles must give the same numbers on every rank, machine and
// standard library, which std::*_distribution does not promise.
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace parlance {

inline uint64_t mix64(uint64_t x) {  // the SplitMix64 finalizer
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal(double mean, double sd) {                                     // Box–Muller
    double u1 = std::max(uniform(), 0x1.0p-53), u2 = uniform();
    return mean + sd * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  uint64_t below(uint64_t n) { return static_cast<uint64_t>(uniform() * static_cast<double>(n)); }  // [0, n)

 private:
  uint64_t s_;
};

}  // namespace parlance
