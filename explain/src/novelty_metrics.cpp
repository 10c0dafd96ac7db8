#include "glassbox/explain/novelty_metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace glassbox::explain {

double auroc(const std::vector<double>& novel_scores, const std::vector<double>& seen_scores) {
  const std::size_t n1 = novel_scores.size(), n0 = seen_scores.size();
  if (n1 == 0 || n0 == 0) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> a = novel_scores, b = seen_scores;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  // Walk both sorted lists once: for each novel score, count the seen scores strictly
  // below it (full win) and equal to it (half win).
  double wins = 0;
  std::size_t below = 0, upto = 0;  // b[0..below) < v, b[0..upto) <= v
  for (double v : a) {
    while (below < n0 && b[below] < v) ++below;
    if (upto < below) upto = below;
    while (upto < n0 && b[upto] <= v) ++upto;
    wins += static_cast<double>(below) + 0.5 * static_cast<double>(upto - below);
  }
  return wins / (static_cast<double>(n1) * static_cast<double>(n0));
}

double fpr_at_tpr(const std::vector<double>& novel_scores, const std::vector<double>& seen_scores,
                  double tpr) {
  if (novel_scores.empty() || seen_scores.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::vector<double> seen = seen_scores;
  std::sort(seen.begin(), seen.end());
  // The smallest t with #{seen <= t} >= ceil(tpr * n): the k-th smallest seen score.
  const std::size_t n = seen.size();
  std::size_t k = static_cast<std::size_t>(std::ceil(tpr * static_cast<double>(n) - 1e-9));
  k = std::min(std::max<std::size_t>(k, 1), n);
  const double t = seen[k - 1];
  std::size_t accepted = 0;
  for (double v : novel_scores)
    if (v <= t) ++accepted;
  return static_cast<double>(accepted) / static_cast<double>(novel_scores.size());
}

}  // namespace glassbox::explain
