#include "glassbox/explain/neuron_selectivity.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassbox::explain {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// diff / pooled, or +-infinity (0) when the pooled deviation is 0.
double standardized(double diff, double pooled) {
  if (pooled > 0) return diff / pooled;
  return diff > 0 ? kInf : diff < 0 ? -kInf : 0.0;
}

// Feature j's preferred class, selectivity index and d' against the runner-up class.
void score_feature(const LayerSignature& layer, const std::vector<std::vector<double>>& var, std::size_t j,
                   NeuronSelectivity& s) {
  const std::size_t k = layer.moments.size();
  std::size_t best = 0, second = k > 1 ? 1 : 0;
  double sum = 0;
  bool non_negative = true;
  for (std::size_t c = 0; c < k; ++c) {
    const double m = layer.moments[c].mean()[j];
    sum += m;
    non_negative = non_negative && m >= 0;
    if (m > layer.moments[best].mean()[j]) best = c;
  }
  for (std::size_t c = 0; c < k; ++c)
    if (c != best && (second == best || layer.moments[c].mean()[j] > layer.moments[second].mean()[j])) second = c;
  s.preferred_class[j] = static_cast<int>(best);
  const double mmax = layer.moments[best].mean()[j];
  const double mrest = k > 1 ? (sum - mmax) / static_cast<double>(k - 1) : 0.0;
  if (!non_negative)
    s.selectivity_index[j] = std::numeric_limits<double>::quiet_NaN();
  else
    s.selectivity_index[j] = (mmax + mrest) > 0 ? (mmax - mrest) / (mmax + mrest) : 0.0;
  if (k > 1) {
    const double pooled = std::sqrt((var[best][j] + var[second][j]) / 2);
    const double diff = mmax - layer.moments[second].mean()[j];
    s.d_prime[j] = pooled > 0 ? diff / pooled : (diff > 0 ? kInf : 0.0);
  }
}

// Every feature of class c with its contrast against the other classes pooled (their
// means and variances weighted by their counts).
std::vector<RankedNeuron> class_contrasts(const LayerSignature& layer, const std::vector<std::vector<double>>& var,
                                          const std::vector<double>& rate, std::size_t c) {
  const std::size_t k = layer.moments.size(), f = layer.features;
  std::vector<RankedNeuron> all(f);
  const auto& mu = layer.moments[c].mean();
  for (std::size_t j = 0; j < f; ++j) {
    double rest = 0, rest_var = 0;
    std::int64_t rest_n = 0;
    for (std::size_t o = 0; o < k; ++o) {
      if (o == c) continue;
      const auto n = layer.moments[o].count();
      rest += layer.moments[o].mean()[j] * static_cast<double>(n);
      rest_var += var[o][j] * static_cast<double>(n);
      rest_n += n;
    }
    if (rest_n > 0) {
      rest /= static_cast<double>(rest_n);
      rest_var /= static_cast<double>(rest_n);
    }
    all[j] = {j, mu[j], rate[j], standardized(mu[j] - rest, std::sqrt((var[c][j] + rest_var) / 2))};
  }
  return all;
}

}  // namespace

NeuronSelectivity neuron_selectivity(const LayerSignature& layer, std::size_t top_k) {
  const std::size_t k = layer.moments.size(), f = layer.features;
  NeuronSelectivity s;
  s.preferred_class.assign(f, 0);
  s.selectivity_index.assign(f, 0.0);
  s.d_prime.assign(f, 0.0);
  std::vector<std::vector<double>> var(k), rate(k);
  for (std::size_t c = 0; c < k; ++c) {
    var[c] = layer.moments[c].variance();
    rate[c] = layer.firing_rate(c);
  }
  const auto overall = layer.overall_firing_rate();
  std::size_t fired = 0;
  for (std::size_t j = 0; j < f; ++j) {
    score_feature(layer, var, j, s);
    if (overall[j] == 0.0) s.dead.push_back(j);
    if (overall[j] == 1.0) s.always_on.push_back(j);
    if (overall[j] > 0.0) ++fired;
  }
  s.coverage = f ? static_cast<double>(fired) / static_cast<double>(f) : 0.0;
  const std::size_t kk = std::min(top_k, f);
  for (std::size_t c = 0; c < k; ++c) {
    auto all = class_contrasts(layer, var, rate[c], c);
    auto by_mean = all;
    std::stable_sort(by_mean.begin(), by_mean.end(), [](const auto& a, const auto& b) { return a.mean > b.mean; });
    by_mean.resize(kk);
    s.strongest.push_back(std::move(by_mean));
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.contrast > b.contrast; });
    all.resize(kk);
    s.characteristic.push_back(std::move(all));
  }
  return s;
}

}  // namespace glassbox::explain
