#pragma once
// How well a novelty score tells unseen-class inputs from held-out seen-class inputs.
// Convention everywhere: a HIGHER score means MORE novel.
#include <vector>

namespace glassbox::explain {

// Area under the ROC curve = P(score(novel) > score(seen)) + 0.5 * P(equal): ties count
// half (the Mann-Whitney U statistic divided by n_novel * n_seen). 0.5 is chance, 1 is a
// perfect detector. NaN when either set is empty.
double auroc(const std::vector<double>& novel_scores, const std::vector<double>& seen_scores);

// False-positive rate at 95% true-positive rate, the out-of-distribution convention of
// Hendrycks & Gimpel (2017) and Liang et al. (2018): seen inputs are the positives; the
// threshold t is the smallest score that accepts (score <= t) at least `tpr` of the seen
// inputs; the result is the fraction of novel inputs also accepted (score <= t). Lower is
// better. NaN when either set is empty.
double fpr_at_tpr(const std::vector<double>& novel_scores, const std::vector<double>& seen_scores,
                  double tpr = 0.95);

}  // namespace glassbox::explain
