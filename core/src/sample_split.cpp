#include "glassbox/sample_split.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "glassbox/error.h"

namespace glassbox {

std::uint64_t SplitMix64::next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::below(std::uint64_t n) {
  // Reject the top partial block of the 2^64 range so every residue is equally likely.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t r;
  do r = next();
  while (r >= limit);
  return r % n;
}

double SplitMix64::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

std::vector<std::size_t> shuffled_indices(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> idx(n);
  for (std::size_t i = 0; i < n; ++i) idx[i] = i;
  SplitMix64 rng(seed);
  for (std::size_t i = n; i > 1; --i) std::swap(idx[i - 1], idx[rng.below(i)]);
  return idx;
}

IndexSplit stratified_split(const std::vector<int>& labels, double fraction, std::uint64_t seed) {
  if (!(fraction >= 0.0 && fraction <= 1.0))
    throw ConfigError("split fraction must be in [0, 1], got " + std::to_string(fraction));
  std::map<int, std::vector<std::size_t>> by_class;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) throw DataError("sample " + std::to_string(i) + " has a negative label");
    by_class[labels[i]].push_back(i);
  }
  IndexSplit out;
  // One stream per class, derived from the seed and the class, so adding a class to a
  // dataset does not reshuffle the others.
  for (auto& [label, members] : by_class) {
    SplitMix64 rng(seed ^ (0x632be59bd9b4e019ULL * (static_cast<std::uint64_t>(label) + 1)));
    for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
    const auto held = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(members.size())));
    out.held.insert(out.held.end(), members.begin(), members.begin() + static_cast<std::ptrdiff_t>(held));
    out.kept.insert(out.kept.end(), members.begin() + static_cast<std::ptrdiff_t>(held), members.end());
  }
  std::sort(out.kept.begin(), out.kept.end());
  std::sort(out.held.begin(), out.held.end());
  return out;
}

}  // namespace glassbox
