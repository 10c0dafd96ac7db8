#pragma once
// What a model does with inputs of classes it never saw in training (e.g. the 2s shown to a
// model trained on 1s and 3s), against held-out inputs of the classes it did see:
//  - the output: how the unseen inputs are split over the predicted classes;
//  - per layer: which learned class signature they are nearest to (nearest centroid), the
//    distribution of their nearest-centroid distance next to the seen inputs', and novelty
//    scores with AUROC and FPR at 95% TPR (see novelty_metrics.h):
//      centroid     distance to the nearest class mean signature,
//      mahalanobis  min over classes with the shared covariance,
//      hamming      minimum Hamming distance to a stored binarized pattern;
//  - the output baselines: max softmax probability (score = -max p) and energy.
#include <map>
#include <string>
#include <vector>

#include "glassbox/explain/signature.h"
#include "glassbox/explain/signature_probe.h"

namespace glassbox::explain {

struct ScoreSummary {
  double auroc = 0, fpr95 = 0;
};

struct DistanceSummary {
  double mean = 0, p05 = 0, p25 = 0, median = 0, p75 = 0, p95 = 0;
};
DistanceSummary summarize_distances(std::vector<double> values);

struct UnseenLayer {
  std::vector<std::int64_t> nearest_class;  // count per learned class
  DistanceSummary seen_distance, unseen_distance;
  std::map<std::string, ScoreSummary> scores;  // "centroid", "mahalanobis", "hamming"
};

struct UnseenGroup {
  std::string name;            // "2" or "all unseen"
  std::vector<int> source_labels;
  std::int64_t count = 0;
  std::vector<std::int64_t> predicted;  // count per model output
  std::vector<UnseenLayer> layers;      // parallel to Signatures::layers
  std::map<std::string, ScoreSummary> output_scores;  // "max_softmax", "energy"
  // The best signature-based score (layer, method, auroc) and whether it beats max-softmax.
  std::string best_method, best_layer;
  double best_auroc = 0;
};

// One group per unseen source class, then one for all of them together (when there is
// more than one class). `source_class_names` names source labels.
std::vector<UnseenGroup> analyze_unseen(const Signatures& signatures, const Probe& seen, const Probe& unseen,
                                        const std::vector<std::string>& source_class_names);

}  // namespace glassbox::explain
