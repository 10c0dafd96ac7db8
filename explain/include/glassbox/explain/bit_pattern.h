#pragma once
// Binarized activation patterns: bit j says "neuron (or channel) j fired", i.e. its
// activation (a channel's spatial maximum) was above the firing threshold. A layer's
// pattern for one input is the on/off state of all its neurons: the "code" the input
// leaves at that layer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::explain {

class BitPattern {
 public:
  BitPattern() = default;
  explicit BitPattern(std::size_t bits) : bits_(bits), words_((bits + 63) / 64, 0) {}
  // Bit j set iff values[j] > threshold.
  static BitPattern from_values(const float* values, std::size_t n, float threshold);

  std::size_t bits() const { return bits_; }
  std::size_t popcount() const;
  bool test(std::size_t j) const { return (words_[j >> 6] >> (j & 63)) & 1u; }
  void set(std::size_t j, bool on = true);
  void flip(std::size_t j) { words_[j >> 6] ^= (std::uint64_t{1} << (j & 63)); }
  const std::vector<std::uint64_t>& words() const { return words_; }
  // Hexadecimal, most significant neuron first ("0x3a"), for JSON and reports.
  std::string to_hex() const;
  bool operator==(const BitPattern& o) const { return bits_ == o.bits_ && words_ == o.words_; }

 private:
  std::size_t bits_ = 0;
  std::vector<std::uint64_t> words_;
};

struct BitPatternHash {
  std::size_t operator()(const BitPattern& p) const;
};

// How often each distinct pattern occurred, with a cap on the number of distinct patterns
// kept so memory stays bounded whatever the dataset size: once `capacity` patterns are
// stored, new ones are only counted in overflow().
class PatternCounts {
 public:
  explicit PatternCounts(std::size_t capacity = 1024) : capacity_(capacity) {}
  void add(const BitPattern& p);
  std::size_t distinct() const { return counts_.size(); }
  std::int64_t total() const { return total_; }
  std::int64_t overflow() const { return overflow_; }
  std::size_t capacity() const { return capacity_; }
  // The most frequent patterns, most frequent first (ties: lower hex first, so stable).
  std::vector<std::pair<BitPattern, std::int64_t>> most_common(std::size_t k) const;
  const std::unordered_map<BitPattern, std::int64_t, BitPatternHash>& counts() const { return counts_; }
  // Adds another counter's patterns: a pattern known here or while room is left is
  // counted, others go to overflow. Equal to adding its inputs one by one unless the
  // capacity is reached (then which patterns are kept depends on the order).
  void merge(const PatternCounts& other);
  // {"capacity", "total", "overflow", "bits", "patterns": [[count, word, ...], ...]} and back.
  nlohmann::json state() const;
  static PatternCounts from_state(const nlohmann::json& state);

 private:
  std::size_t capacity_;
  std::int64_t total_ = 0, overflow_ = 0;
  std::unordered_map<BitPattern, std::int64_t, BitPatternHash> counts_;
};

}  // namespace glassbox::explain
