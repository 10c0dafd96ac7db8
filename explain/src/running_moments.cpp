#include "glassbox/explain/running_moments.h"

#include "glassbox/error.h"

namespace glassbox::explain {

void RunningMoments::reset(std::size_t features) {
  count_ = 0;
  mean_.assign(features, 0.0);
  m2_.assign(features, 0.0);
}

void RunningMoments::add(const float* x) {
  ++count_;
  const double inv_n = 1.0 / static_cast<double>(count_);
  const std::size_t f = mean_.size();
  double* mean = mean_.data();
  double* m2 = m2_.data();
  for (std::size_t j = 0; j < f; ++j) {
    // Welford: the update uses the deviation from the old and from the new mean, which
    // keeps the sum of squares exact-ish even when the mean is large against the spread.
    const double v = x[j];
    const double d = v - mean[j];
    mean[j] += d * inv_n;
    m2[j] += d * (v - mean[j]);
  }
}

void RunningMoments::merge(const RunningMoments& other) {
  if (other.count_ == 0) return;
  if (other.size() != size())
    throw Error("RunningMoments::merge: feature counts differ (" + std::to_string(size()) + " vs " +
                std::to_string(other.size()) + ")");
  if (count_ == 0) {
    *this = other;
    return;
  }
  const double na = static_cast<double>(count_), nb = static_cast<double>(other.count_);
  const double n = na + nb;
  for (std::size_t j = 0; j < mean_.size(); ++j) {
    const double d = other.mean_[j] - mean_[j];
    mean_[j] += d * nb / n;
    m2_[j] += other.m2_[j] + d * d * na * nb / n;
  }
  count_ += other.count_;
}

nlohmann::json RunningMoments::state() const { return {{"n", count_}, {"mean", mean_}, {"m2", m2_}}; }

RunningMoments RunningMoments::from_state(const nlohmann::json& state) {
  RunningMoments m;
  try {
    m.count_ = state.at("n").get<std::int64_t>();
    m.mean_ = state.at("mean").get<std::vector<double>>();
    m.m2_ = state.at("m2").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("RunningMoments: malformed state: ") + e.what());
  }
  if (m.mean_.size() != m.m2_.size() || m.count_ < 0) throw Error("RunningMoments: inconsistent state");
  return m;
}

std::vector<double> RunningMoments::variance() const {
  std::vector<double> v(size(), 0.0);
  if (count_ < 1) return v;
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = m2_[j] / static_cast<double>(count_);
  return v;
}

std::vector<double> RunningMoments::sample_variance() const {
  std::vector<double> v(size(), 0.0);
  if (count_ < 2) return v;
  for (std::size_t j = 0; j < v.size(); ++j) v[j] = m2_[j] / static_cast<double>(count_ - 1);
  return v;
}

}  // namespace glassbox::explain
