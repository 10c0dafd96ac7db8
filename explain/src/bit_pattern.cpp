#include "glassbox/explain/bit_pattern.h"

#include "glassbox/error.h"

#include <algorithm>
#include <bitset>

namespace glassbox::explain {

BitPattern BitPattern::from_values(const float* values, std::size_t n, float threshold) {
  BitPattern p(n);
  for (std::size_t j = 0; j < n; ++j)
    if (values[j] > threshold) p.words_[j >> 6] |= (std::uint64_t{1} << (j & 63));
  return p;
}

std::size_t BitPattern::popcount() const {
  std::size_t c = 0;
  for (auto w : words_) c += static_cast<std::size_t>(__builtin_popcountll(w));
  return c;
}

void BitPattern::set(std::size_t j, bool on) {
  const std::uint64_t m = std::uint64_t{1} << (j & 63);
  if (on)
    words_[j >> 6] |= m;
  else
    words_[j >> 6] &= ~m;
}

std::string BitPattern::to_hex() const {
  static const char* digits = "0123456789abcdef";
  std::string s;
  const std::size_t nibbles = std::max<std::size_t>(1, (bits_ + 3) / 4);
  for (std::size_t k = nibbles; k-- > 0;) {
    const std::size_t bit = k * 4;
    unsigned v = 0;
    for (std::size_t b = 0; b < 4 && bit + b < bits_; ++b) v |= (test(bit + b) ? 1u : 0u) << b;
    s += digits[v];
  }
  return "0x" + s;
}

std::size_t BitPatternHash::operator()(const BitPattern& p) const {
  // FNV-1a over the words, mixed with the length.
  std::uint64_t h = 1469598103934665603ull ^ p.bits();
  for (auto w : p.words()) {
    h ^= w;
    h *= 1099511628211ull;
    h ^= h >> 29;
  }
  return static_cast<std::size_t>(h);
}

void PatternCounts::add(const BitPattern& p) {
  ++total_;
  auto it = counts_.find(p);
  if (it != counts_.end()) {
    ++it->second;
  } else if (counts_.size() < capacity_) {
    counts_.emplace(p, 1);
  } else {
    ++overflow_;
  }
}

std::vector<std::pair<BitPattern, std::int64_t>> PatternCounts::most_common(std::size_t k) const {
  std::vector<std::pair<BitPattern, std::int64_t>> all(counts_.begin(), counts_.end());
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return a.first.to_hex() < b.first.to_hex();
  });
  if (all.size() > k) all.resize(k);
  return all;
}

}  // namespace glassbox::explain

namespace glassbox::explain {

void PatternCounts::merge(const PatternCounts& other) {
  total_ += other.total_;
  overflow_ += other.overflow_;
  // In a fixed order (most common first, ties by hex), so every process merges alike.
  for (const auto& [pattern, n] : other.most_common(other.counts_.size())) {
    auto it = counts_.find(pattern);
    if (it != counts_.end())
      it->second += n;
    else if (counts_.size() < capacity_)
      counts_.emplace(pattern, n);
    else
      overflow_ += n;
  }
}

nlohmann::json PatternCounts::state() const {
  nlohmann::json patterns = nlohmann::json::array();
  std::size_t bits = 0;
  for (const auto& [pattern, n] : most_common(counts_.size())) {
    nlohmann::json row = {n};
    for (auto w : pattern.words()) row.push_back(w);
    patterns.push_back(row);
    bits = pattern.bits();
  }
  return {{"capacity", capacity_}, {"total", total_}, {"overflow", overflow_}, {"bits", bits}, {"patterns", patterns}};
}

PatternCounts PatternCounts::from_state(const nlohmann::json& state) {
  try {
    PatternCounts out(state.at("capacity").get<std::size_t>());
    out.total_ = state.at("total").get<std::int64_t>();
    out.overflow_ = state.at("overflow").get<std::int64_t>();
    const auto bits = state.at("bits").get<std::size_t>();
    for (const auto& row : state.at("patterns")) {
      BitPattern p(bits);
      for (std::size_t w = 0; w + 1 < row.size(); ++w) {
        const auto word = row.at(w + 1).get<std::uint64_t>();
        for (std::size_t b = 0; b < 64; ++b)
          if ((word >> b) & 1u) p.set(w * 64 + b);
      }
      out.counts_.emplace(std::move(p), row.at(0).get<std::int64_t>());
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("PatternCounts: malformed state: ") + e.what());
  }
}

}  // namespace glassbox::explain
