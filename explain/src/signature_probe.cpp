#include "glassbox/softmax.h"
#include "glassbox/explain/signature_probe.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "glassbox/error.h"
#include "glassbox/explain/signature_builder.h"
#include "glassbox/explain/signature_distances.h"

namespace glassbox::explain {

std::size_t LayerProbe::nearest_centroid(std::size_t i, std::size_t classes) const {
  const float* d = &centroid_distance[i * classes];
  // The lowest class wins ties; accuracies count ties fractionally instead (separability.cpp).
  return static_cast<std::size_t>(std::min_element(d, d + classes) - d);
}

double LayerProbe::nearest_centroid_distance(std::size_t i, std::size_t classes) const {
  const float* d = &centroid_distance[i * classes];
  return *std::min_element(d, d + classes);
}

SignatureScorer::SignatureScorer(const Signatures& signatures, double shrinkage) : sig_(signatures) {
  const std::size_t k = sig_.num_classes();
  for (const auto& l : sig_.layers) {
    std::vector<std::vector<double>> means;
    std::vector<std::vector<float>> cents;
    for (std::size_t c = 0; c < k; ++c) {
      means.push_back(l.moments[c].mean());
      cents.emplace_back(means.back().begin(), means.back().end());
    }
    centroids_.push_back(std::move(cents));
    maha_.emplace_back(means, l.covariance.covariance(), l.covariance.full(), shrinkage);
    std::vector<BitPattern> stored;
    for (std::size_t c = 0; c < k; ++c)
      for (const auto& kv : l.patterns[c].counts()) stored.push_back(kv.first);
    // The same pattern may be stored under two classes; keep one copy.
    std::sort(stored.begin(), stored.end(), [](const BitPattern& a, const BitPattern& b) { return a.words() < b.words(); });
    stored.erase(std::unique(stored.begin(), stored.end()), stored.end());
    stored_.push_back(std::move(stored));
  }
}

double SignatureScorer::min_hamming(std::size_t position, const BitPattern& p) const {
  const auto& stored = stored_[position];
  if (stored.empty()) return static_cast<double>(p.bits());
  std::size_t best = std::numeric_limits<std::size_t>::max();
  const std::size_t words = p.words().size();
  const std::uint64_t* q = p.words().data();
  for (const auto& s : stored) {
    const std::uint64_t* w = s.words().data();
    std::size_t d = 0;
    for (std::size_t k = 0; k < words && d < best; ++k) d += static_cast<std::size_t>(__builtin_popcountll(w[k] ^ q[k]));
    if (d < best) {
      best = d;
      if (best == 0) break;
    }
  }
  return static_cast<double>(best);
}

namespace {

// A probe of `data` with every score zero, for `layers` signature layers of k classes.
Probe empty_probe(const LabeledData& data, std::size_t k, std::size_t layers) {
  Probe pr;
  pr.size = data.size();
  pr.classes = k;
  pr.labels = data.labels();
  pr.original_labels.resize(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) pr.original_labels[i] = data.original_label(i);
  pr.layers.resize(layers);
  for (auto& lp : pr.layers) {
    lp.centroid_distance.assign(data.size() * k, 0.0f);
    lp.mahalanobis.assign(data.size(), 0.0);
    lp.min_hamming.assign(data.size(), 0.0);
  }
  return pr;
}

// The output baselines of n rows of logits: prediction, max-softmax, energy.
void add_output_scores(Probe& pr, const Tensor& logits, std::size_t n) {
  const std::size_t outputs = logits.size() / n;
  pr.outputs = outputs;
  for (std::size_t i = 0; i < n; ++i) {
    const float* z = logits.data() + i * outputs;
    const SoftmaxRow<double> s = softmax_row<double>(z, outputs);
    pr.predicted.push_back(static_cast<int>(std::max_element(z, z + outputs) - z));
    pr.max_softmax.push_back(1.0 / s.sum);
    pr.energy.push_back(-s.log_sum_exp());
    pr.logits.insert(pr.logits.end(), z, z + outputs);
  }
}

}  // namespace

void SignatureScorer::score_rows(std::size_t p, FeatureExtractor& ex, const Tensor& output, std::size_t begin,
                                 std::size_t n, Probe& pr) const {
  const auto& l = sig_.layers[p];
  auto& lp = pr.layers[p];
  const std::size_t k = sig_.num_classes(), f = l.features;
  ex.reduce(output.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const float* x = ex.features_of(i);
    for (std::size_t c = 0; c < k; ++c) {
      const float* m = centroids_[p][c].data();
      double d2 = 0;
      for (std::size_t j = 0; j < f; ++j) {
        const double d = static_cast<double>(x[j]) - m[j];
        d2 += d * d;
      }
      lp.centroid_distance[(begin + i) * k + c] = static_cast<float>(std::sqrt(d2));
    }
    lp.mahalanobis[begin + i] = maha_[p].score(x);
    lp.min_hamming[begin + i] = min_hamming(p, l.binarize(ex.peaks_of(i), ex.cells_of(i)));
  }
}

Probe SignatureScorer::probe(MyDeepLearning& model, const LabeledData& data, std::size_t batch_size) const {
  Probe pr = empty_probe(data, sig_.num_classes(), sig_.layers.size());
  std::vector<int> slot(model.size() + 1, -1);  // model index + 1 -> signature layer
  std::vector<FeatureExtractor> extractors;
  for (std::size_t p = 0; p < sig_.layers.size(); ++p) {
    const auto& l = sig_.layers[p];
    if (l.index >= static_cast<int>(model.size()))
      throw Error("signatures: layer " + std::to_string(l.index) + " not in this model of " +
                  std::to_string(model.size()) + " layers");
    slot[static_cast<std::size_t>(l.index + 1)] = static_cast<int>(p);
    extractors.emplace_back(l.feature_kind, l.shape, l.grid);
  }
  const std::size_t last = model.size() - 1;
  const Layer& last_layer = model.layer(last);
  // Logits, not probabilities, feed the baselines: the input of a final softmax layer, or
  // the final layer run without its fused activation.
  const bool softmax_layer = last_layer.kind() == LayerKind::softmax;
  const bool fused_softmax = !softmax_layer && last_layer.activation() == Activation::softmax;
  const std::size_t bs = std::max<std::size_t>(1, batch_size);
  for (std::size_t begin = 0; begin < data.size(); begin += bs) {
    const std::size_t n = std::min(data.size(), begin + bs) - begin;
    auto score = [&](int index, const Tensor& output) {
      const int s = slot[static_cast<std::size_t>(index + 1)];
      if (s >= 0) score_rows(static_cast<std::size_t>(s), extractors[static_cast<std::size_t>(s)], output, begin, n, pr);
    };
    Tensor x = data.batch_range(begin, begin + n), last_input;
    score(-1, x);
    Tensor out = model.forward(x, [&](std::size_t index, const Layer&, const Tensor& input, const Tensor& output) {
      score(static_cast<int>(index), output);
      if (index == last && (softmax_layer || fused_softmax)) last_input = input;
    });
    add_output_scores(pr, softmax_layer ? last_input : fused_softmax ? model.layer(last).forward(last_input, Mode::linear) : out, n);
  }
  return pr;
}

}  // namespace glassbox::explain
