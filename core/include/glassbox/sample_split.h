#pragma once
// Seeded sample selection that gives the same result on every machine and standard
// library: std::shuffle and std::uniform_int_distribution are implementation-defined, so a
// split made with them could change under a user's feet. These use splitmix64 and an
// explicit Fisher-Yates shuffle instead.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace glassbox {

// splitmix64 (Steele, Lea & Flood 2014): one 64-bit state, full period, well mixed.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n) without modulo bias (rejection sampling); n > 0.
  std::uint64_t below(std::uint64_t n);
  // Uniform in [0, 1) with 53 random bits.
  double uniform();

 private:
  std::uint64_t state_;
};

// 0..n-1 in a seeded random order (Fisher-Yates).
std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed);

struct IndexSplit {
  std::vector<std::size_t> kept;  // the larger part (train), in ascending order
  std::vector<std::size_t> held;  // the held-out part (test / validation), ascending
};

// Per class, round(fraction * count) randomly chosen samples go to `held`, the rest to
// `kept`, so every class keeps its share. Labels must be >= 0.
IndexSplit stratified_split(const std::vector<int>& labels, double fraction, std::uint64_t seed);

}  // namespace glassbox
