// checkpoint_digest CHECKPOINT: one XXH64 line per parameter, to compare
// weights of two runs bit for bit.
#include <xxhash.h>

#include <cstdio>

#include "train/checkpoint.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  auto lm = parlance::load_checkpoint(argv[1]);
  for (const auto& p : lm.model->named_parameters()) {
    auto t = p.value().contiguous();
    std::printf("%s %016llx\n", p.key().c_str(),
                static_cast<unsigned long long>(XXH64(t.data_ptr(), static_cast<size_t>(t.nbytes()), 0)));
  }
  return 0;
}
