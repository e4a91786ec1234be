#pragma once
// Content hashes of the input files, recorded in the output for provenance.
// Plain XXH64 of each whole file (seed 0), so `xxh64sum FILE` checks it.
#include <cstdint>
#include <string>
#include <vector>

namespace parlance {

uint64_t xxh64_file(const std::string& path);
std::string hex64(uint64_t v);

}  // namespace parlance
