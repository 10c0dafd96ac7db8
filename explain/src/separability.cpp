#include "glassbox/explain/separability.h"

#include <algorithm>
#include <limits>

namespace glassbox::explain {

namespace {

double trace_of_variance(const RunningMoments& m) {
  double t = 0;
  for (double v : m.variance()) t += v;
  return t;
}

// Credit of a nearest-centroid decision for an input of class `own`, among `candidates`:
// 1 if own is strictly nearest, 1/t if own is among t tied nearest, 0 otherwise.
double credit(const float* d, const std::vector<std::size_t>& candidates, std::size_t own) {
  float best = d[candidates[0]];
  for (auto c : candidates) best = std::min(best, d[c]);
  std::size_t tied = 0;
  bool own_tied = false;
  for (auto c : candidates)
    if (d[c] == best) {
      ++tied;
      own_tied = own_tied || c == own;
    }
  return own_tied ? 1.0 / static_cast<double>(tied) : 0.0;
}

}  // namespace

double fisher_ratio(const LayerSignature& layer) {
  const std::size_t k = layer.moments.size();
  RunningMoments all(layer.features);
  for (const auto& m : layer.moments) all.merge(m);
  if (all.count() == 0) return 0.0;
  double between = 0, within = 0;
  for (std::size_t c = 0; c < k; ++c) {
    const auto n = static_cast<double>(layer.moments[c].count());
    if (n == 0) continue;
    const auto& mu = layer.moments[c].mean();
    for (std::size_t j = 0; j < layer.features; ++j) between += n * (mu[j] - all.mean()[j]) * (mu[j] - all.mean()[j]);
    for (double v : layer.moments[c].m2()) within += v;
  }
  if (within <= 0) return between > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return between / within;
}

double pair_fisher_ratio(const LayerSignature& layer, std::size_t a, std::size_t b) {
  const auto& ma = layer.moments[a].mean();
  const auto& mb = layer.moments[b].mean();
  double d2 = 0;
  for (std::size_t j = 0; j < layer.features; ++j) d2 += (ma[j] - mb[j]) * (ma[j] - mb[j]);
  const double w = trace_of_variance(layer.moments[a]) + trace_of_variance(layer.moments[b]);
  if (w <= 0) return d2 > 0 ? std::numeric_limits<double>::infinity() : 0.0;
  return d2 / w;
}

std::string Separability::criterion() const {
  return by_probe ? "pairwise linear probe accuracy on held-out inputs"
                  : "pairwise nearest-centroid accuracy on held-out inputs";
}

Separability analyze_separability(const Signatures& sig, const Probe& heldout, double threshold,
                                  const LayerProbes* probes) {
  const std::size_t k = sig.num_classes();
  Separability out;
  out.threshold = threshold;
  out.by_probe = probes != nullptr && probes->layers.size() == sig.layers.size();
  std::vector<std::size_t> all(k);
  for (std::size_t c = 0; c < k; ++c) all[c] = c;
  for (std::size_t p = 0; p < sig.layers.size(); ++p) {
    const auto& layer = sig.layers[p];
    const auto& lp = heldout.layers[p];
    LayerSeparability s;
    s.fisher = fisher_ratio(layer);
    s.pair_accuracy.assign(k, std::vector<double>(k, 1.0));
    s.pair_fisher.assign(k, std::vector<double>(k, 0.0));
    std::vector<std::vector<double>> pair_credit(k, std::vector<double>(k, 0.0));
    std::vector<std::vector<double>> pair_count(k, std::vector<double>(k, 0.0));
    double total = 0;
    std::size_t counted = 0;
    for (std::size_t i = 0; i < heldout.size; ++i) {
      const int label = heldout.labels[i];
      if (label < 0 || static_cast<std::size_t>(label) >= k) continue;
      const auto own = static_cast<std::size_t>(label);
      const float* d = &lp.centroid_distance[i * k];
      total += credit(d, all, own);
      ++counted;
      for (std::size_t o = 0; o < k; ++o) {
        if (o == own) continue;
        pair_credit[own][o] += credit(d, {own, o}, own);
        pair_count[own][o] += 1;
      }
    }
    s.nearest_centroid_accuracy = counted ? total / static_cast<double>(counted) : 0.0;
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b) {
        if (a == b) continue;
        const double n = pair_count[a][b] + pair_count[b][a];
        s.pair_accuracy[a][b] = n > 0 ? (pair_credit[a][b] + pair_credit[b][a]) / n : 0.0;
        s.pair_fisher[a][b] = pair_fisher_ratio(layer, a, b);
      }
    if (out.by_probe) {
      const auto& pr = probes->layers[p];
      s.probed = true;
      s.probe_accuracy = pr.accuracy;
      s.probe_train_accuracy = pr.train_accuracy;
      s.probe_pair_accuracy = pr.pair_accuracy;
    }
    out.layers.push_back(std::move(s));
  }
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = a + 1; b < k; ++b) {
      DivergenceLayer d;
      d.a = a;
      d.b = b;
      for (std::size_t p = 0; p < out.layers.size(); ++p) {
        const double acc = out.layers[p].deciding_pair_accuracy()[a][b];
        if (acc >= threshold) {
          d.position = static_cast<int>(p);
          d.accuracy = acc;
          break;
        }
        d.accuracy = std::max(d.accuracy, acc);
      }
      if (d.position >= 0) {
        d.stays_separable = true;
        for (std::size_t p = static_cast<std::size_t>(d.position); p < out.layers.size(); ++p)
          d.stays_separable = d.stays_separable && out.layers[p].deciding_pair_accuracy()[a][b] >= threshold;
      }
      out.pairs.push_back(d);
    }
  return out;
}

}  // namespace glassbox::explain
