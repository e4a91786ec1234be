#pragma once
// Sixteen bytes at a time with the compiler's portable vector types (GCC and
// Clang vector extensions: SSE2 on x86-64, NEON on ARM, plain code
// elsewhere), for the text scans that look at every byte of a corpus. A
// comparison gives each lane 0 or -1.
#include <cstdint>
#include <cstring>

namespace parlance::lanes {

typedef uint8_t Bytes16 __attribute__((vector_size(16)));
typedef int8_t Mask16 __attribute__((vector_size(16)));

inline Bytes16 load16(const char* p) {
  Bytes16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// On x86-64 (SSE2 is in every x86-64 CPU) one pmovmskb gathers the lanes'
// top bits; elsewhere a multiply does (below).
#if defined(__SSE2__)
inline uint32_t bits(Mask16 m) {
  typedef char Chars16 __attribute__((vector_size(16)));
  return static_cast<uint32_t>(__builtin_ia32_pmovmskb128(reinterpret_cast<Chars16>(m)));
}
inline bool any(Mask16 m) { return bits(m) != 0; }
#else
inline bool any(Mask16 m) {
  uint64_t half[2];
  std::memcpy(half, &m, sizeof half);
  return (half[0] | half[1]) != 0;
}

// Bit k set when lane k is: a multiply gathers each byte's low bit into the
// top byte of its half (no two partial products meet, so nothing carries).
inline uint32_t bits(Mask16 m) {
  uint64_t half[2];
  std::memcpy(half, &m, sizeof half);
  constexpr uint64_t kOnes = 0x0101010101010101ull, kGather = 0x0102040810204080ull;
  return static_cast<uint32_t>(((half[0] & kOnes) * kGather) >> 56) |
         static_cast<uint32_t>(((half[1] & kOnes) * kGather) >> 56) << 8;
}
#endif

}  // namespace parlance::lanes
