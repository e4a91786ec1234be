#pragma once
// A std::allocator for large tables read at random (prep's chunk memo and
// token table): a block of 2 MiB or more is aligned to 2 MiB and advised as
// transparent huge pages (madvise MADV_HUGEPAGE), which the kernel honours
// when THP is "always" or "madvise" (Debian's default) and ignores when it
// is "never". Why: a 32 MiB memo probed at random is 8,192 pages of 4 KiB,
// far more than the TLB holds, and on a virtual machine each miss is a
// two-level page walk; with 16 pages of 2 MiB the misses go away (on
// aclImdb the standalone hot path ran ~1.1x faster with the memo and token
// table on huge pages). Not for memory written and read in order: there
// they gain nothing, and fresh huge pages cost more to zero here. Smaller
// blocks are plain malloc. Memory is released with free().
#include <sys/mman.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

namespace parlance {

inline constexpr size_t kHugePageBytes = size_t{2} << 20;

// `bytes` from malloc, or 2 MiB-aligned and advised when it is that large.
inline void* allocate_maybe_huge(size_t bytes) {
  if (bytes < kHugePageBytes) {
    if (void* p = std::malloc(bytes ? bytes : 1)) return p;
    throw std::bad_alloc();
  }
  const size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  void* p = std::aligned_alloc(kHugePageBytes, rounded);
  if (!p) throw std::bad_alloc();
  ::madvise(p, rounded, MADV_HUGEPAGE);  // advice only: failure leaves ordinary pages
  return p;
}

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) {}
  T* allocate(size_t n) {
    if (n > size_t(-1) / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(allocate_maybe_huge(n * sizeof(T)));
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const HugePageAllocator<U>&) const { return false; }
};

template <class T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace parlance
