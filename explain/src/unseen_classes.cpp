#include "glassbox/explain/unseen_classes.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "glassbox/explain/novelty_metrics.h"

namespace glassbox::explain {

namespace {

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const auto hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

std::vector<double> pick(const std::vector<double>& v, const std::vector<std::size_t>& idx) {
  std::vector<double> out;
  out.reserve(idx.size());
  for (auto i : idx) out.push_back(v[i]);
  return out;
}

ScoreSummary summary(const std::vector<double>& novel, const std::vector<double>& seen) {
  return {auroc(novel, seen), fpr_at_tpr(novel, seen, 0.95)};
}

}  // namespace

DistanceSummary summarize_distances(std::vector<double> v) {
  DistanceSummary s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  s.p05 = quantile(v, 0.05);
  s.p25 = quantile(v, 0.25);
  s.median = quantile(v, 0.5);
  s.p75 = quantile(v, 0.75);
  s.p95 = quantile(v, 0.95);
  return s;
}

std::vector<UnseenGroup> analyze_unseen(const Signatures& sig, const Probe& seen, const Probe& unseen,
                                        const std::vector<std::string>& source_class_names) {
  const std::size_t k = sig.num_classes();
  std::set<int> classes(unseen.original_labels.begin(), unseen.original_labels.end());
  std::vector<std::pair<std::vector<int>, std::string>> groups;
  auto name_of = [&](int label) {
    return label >= 0 && static_cast<std::size_t>(label) < source_class_names.size()
               ? source_class_names[static_cast<std::size_t>(label)]
               : std::to_string(label);
  };
  for (int c : classes) groups.push_back({{c}, name_of(c)});
  if (classes.size() > 1) groups.push_back({std::vector<int>(classes.begin(), classes.end()), "all unseen"});

  std::vector<std::size_t> seen_idx(seen.size);
  for (std::size_t i = 0; i < seen.size; ++i) seen_idx[i] = i;
  std::vector<double> seen_msp(seen.size), seen_energy = seen.energy;
  for (std::size_t i = 0; i < seen.size; ++i) seen_msp[i] = -seen.max_softmax[i];

  std::vector<UnseenGroup> out;
  for (const auto& [labels, name] : groups) {
    UnseenGroup g;
    g.name = name;
    g.source_labels = labels;
    std::vector<std::size_t> idx;
    for (std::size_t i = 0; i < unseen.size; ++i)
      if (std::find(labels.begin(), labels.end(), unseen.original_labels[i]) != labels.end()) idx.push_back(i);
    g.count = static_cast<std::int64_t>(idx.size());
    g.predicted.assign(unseen.outputs, 0);
    for (auto i : idx) ++g.predicted[static_cast<std::size_t>(unseen.predicted[i])];
    std::vector<double> msp;
    for (auto i : idx) msp.push_back(-unseen.max_softmax[i]);
    g.output_scores["max_softmax"] = summary(msp, seen_msp);
    g.output_scores["energy"] = summary(pick(unseen.energy, idx), seen_energy);
    for (std::size_t p = 0; p < sig.layers.size(); ++p) {
      const auto& ul = unseen.layers[p];
      const auto& sl = seen.layers[p];
      UnseenLayer L;
      L.nearest_class.assign(k, 0);
      std::vector<double> ud, sd;
      for (auto i : idx) {
        ++L.nearest_class[ul.nearest_centroid(i, k)];
        ud.push_back(ul.nearest_centroid_distance(i, k));
      }
      for (std::size_t i = 0; i < seen.size; ++i) sd.push_back(sl.nearest_centroid_distance(i, k));
      L.seen_distance = summarize_distances(sd);
      L.unseen_distance = summarize_distances(ud);
      L.scores["centroid"] = summary(ud, sd);
      L.scores["mahalanobis"] = summary(pick(ul.mahalanobis, idx), sl.mahalanobis);
      L.scores["hamming"] = summary(pick(ul.min_hamming, idx), sl.min_hamming);
      for (const auto& [method, s] : L.scores)
        if (std::isfinite(s.auroc) && s.auroc > g.best_auroc) {
          g.best_auroc = s.auroc;
          g.best_method = method;
          g.best_layer = sig.layer_label(p);
        }
      g.layers.push_back(std::move(L));
    }
    out.push_back(std::move(g));
  }
  return out;
}

}  // namespace glassbox::explain
