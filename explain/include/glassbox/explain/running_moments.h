#pragma once
// Streaming mean and variance of a vector of features (Welford 1962; Chan, Golub and
// LeVeque 1979 for merging two partial results), so a signature pass never holds the
// activations of the whole dataset: memory is O(features), not O(samples).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::explain {

class RunningMoments {
 public:
  RunningMoments() = default;
  explicit RunningMoments(std::size_t features) { reset(features); }

  void reset(std::size_t features);
  // Adds one sample of size() features.
  void add(const float* x);
  // Merges another accumulator over the same features (Chan et al.'s pairwise update).
  void merge(const RunningMoments& other);

  std::size_t size() const { return mean_.size(); }
  std::int64_t count() const { return count_; }
  const std::vector<double>& mean() const { return mean_; }
  // Population variance (divides by n), 0 when count() < 1.
  std::vector<double> variance() const;
  // Unbiased sample variance (divides by n - 1), 0 when count() < 2.
  std::vector<double> sample_variance() const;
  // Sum of squared deviations from the mean, per feature.
  const std::vector<double>& m2() const { return m2_; }
  // The accumulator as numbers, for another process to merge ({"n", "mean", "m2"}; the
  // doubles round-trip exactly), and back; from_state throws Error on a malformed state.
  nlohmann::json state() const;
  static RunningMoments from_state(const nlohmann::json& state);

 private:
  std::int64_t count_ = 0;
  std::vector<double> mean_, m2_;
};

}  // namespace glassbox::explain
