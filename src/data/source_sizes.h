#pragma once
// The size of every source of a corpus, measured by all ranks together: rank
// r measures sources r, r + W, r + 2W, ... (a folder of small files holds
// tens of thousands, aclImdb 100,000, and every rank measuring all of them
// did not shrink with ranks), and every rank gets all sizes. Each is an
// fstatat relative to its folder (util/folder_files.h): a whole path walked
// and an open per file cost 2.5x as much on aclImdb.
// Collective: every rank calls it with the same corpus.
//
// Errors: the first unreadable source in corpus order is one AgreedError on
// every rank, whichever rank met it; nothing throws before the exchange, so no
// rank is left waiting in it.
#include <cstdint>
#include <vector>

#include "data/corpus.h"

namespace parlance {

std::vector<uint64_t> sizes_across_ranks(const Corpus& corpus);

}  // namespace parlance
