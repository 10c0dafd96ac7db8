#pragma once
// Probing: a second streaming pass that scores each input of another dataset (held-out
// seen-class inputs, unseen-class inputs) against stored signatures, layer by layer.
// Keeps a few numbers per input and layer, never the activations themselves.
//
// Per recorded layer and input:
//  - Euclidean distance to every class's mean signature (nearest-centroid classifier,
//    "which learned class does this input resemble");
//  - Mahalanobis score: min over classes with the shared covariance;
//  - minimum Hamming distance from the input's binarized pattern to the patterns stored
//    while building the signatures (all classes).
// Per input at the output: predicted class, max softmax probability, and energy
// -logsumexp(logits) (Liu et al. 2020), as baselines.
#include <cstdint>
#include <vector>

#include "glassbox/dataset.h"
#include "glassbox/explain/signature.h"
#include "glassbox/model.h"

namespace glassbox::explain {

class FeatureExtractor;  // signature_builder.h

struct LayerProbe {
  std::vector<float> centroid_distance;  // n * classes, row-major
  std::vector<double> mahalanobis;       // n
  std::vector<double> min_hamming;       // n
  std::size_t nearest_centroid(std::size_t i, std::size_t classes) const;
  double nearest_centroid_distance(std::size_t i, std::size_t classes) const;
};

struct Probe {
  std::size_t size = 0;
  std::size_t classes = 0;              // signature classes
  std::vector<int> labels;              // the data's labels (label())
  std::vector<int> original_labels;     // source numbering
  std::vector<LayerProbe> layers;       // parallel to Signatures::layers
  std::vector<int> predicted;           // argmax of the model output
  std::vector<double> max_softmax;      // max_c softmax(logits)_c
  std::vector<double> energy;           // -logsumexp(logits)
  std::vector<float> logits;            // n * outputs
  std::size_t outputs = 0;
};

// Precomputed per-layer scorers (Mahalanobis factorization, stored pattern list).
class SignatureScorer {
 public:
  SignatureScorer(const Signatures& signatures, double shrinkage = 0.1);
  Probe probe(MyDeepLearning& model, const LabeledData& data, std::size_t batch_size = 256) const;
  const Signatures& signatures() const { return sig_; }
  double min_hamming(std::size_t position, const BitPattern& p) const;
  const MahalanobisScorer& mahalanobis(std::size_t position) const { return maha_[position]; }

 private:
  // Rows [begin, begin + n) of the probe at signature layer p, from that layer's output
  // reduced by `ex`: the distance to each class centroid, Mahalanobis, minimum Hamming.
  void score_rows(std::size_t p, FeatureExtractor& ex, const Tensor& output, std::size_t begin, std::size_t n,
                  Probe& pr) const;

  const Signatures& sig_;
  std::vector<MahalanobisScorer> maha_;
  std::vector<std::vector<BitPattern>> stored_;
  std::vector<std::vector<std::vector<float>>> centroids_;  // layer -> class -> features
};

}  // namespace glassbox::explain
