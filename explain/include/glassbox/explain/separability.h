#pragma once
// Where in the network do classes come apart?
//  - Linear probe accuracy (layer_probes.h): a logistic regression on the layer's full
//    activations, scored on held-out inputs, overall and per class pair. When probes are
//    given they DECIDE the divergence layer; the figures below are secondary columns.
//  - Fisher ratio of a layer: tr(S_between) / tr(S_within) from the class means and
//    variances of the signatures (a training-set figure, no held-out data needed).
//  - Nearest-centroid accuracy on held-out inputs: classify each input by the class mean
//    signature it is closest to (Euclidean); ties count as 1/(number of tied classes).
//  - Per class pair, the same accuracy restricted to the two classes; the DIVERGENCE LAYER
//    of a pair is the first recorded layer (input first) whose pairwise accuracy (the
//    probe's, else the nearest-centroid one) reaches the threshold.
#include <string>
#include <vector>

#include "glassbox/explain/layer_probes.h"
#include "glassbox/explain/signature.h"
#include "glassbox/explain/signature_probe.h"

namespace glassbox::explain {

double fisher_ratio(const LayerSignature& layer);
// Fisher ratio of classes a and b only: |mu_a - mu_b|^2 / (tr(Var_a) + tr(Var_b)).
double pair_fisher_ratio(const LayerSignature& layer, std::size_t a, std::size_t b);

struct LayerSeparability {
  double fisher = 0;
  double nearest_centroid_accuracy = 0;          // on held-out inputs, all classes
  std::vector<std::vector<double>> pair_accuracy;  // classes x classes, diagonal 1
  std::vector<std::vector<double>> pair_fisher;
  bool probed = false;                           // the probe figures below are filled
  double probe_accuracy = 0;                     // linear probe, held-out, all classes
  double probe_train_accuracy = 0;
  std::vector<std::vector<double>> probe_pair_accuracy;
  // The pairwise accuracy that decides divergence: the probe's when probed.
  const std::vector<std::vector<double>>& deciding_pair_accuracy() const {
    return probed ? probe_pair_accuracy : pair_accuracy;
  }
};

struct DivergenceLayer {
  std::size_t a = 0, b = 0;
  int position = -1;  // index into Signatures::layers, -1 when never separable
  double accuracy = 0;  // pairwise accuracy there (best over layers when never reached)
  bool stays_separable = false;  // every later recorded layer also reaches the threshold
};

struct Separability {
  double threshold = 0.95;
  bool by_probe = false;                  // divergence decided by the linear probes
  std::string criterion() const;          // what decides divergence, in words
  std::vector<LayerSeparability> layers;  // parallel to Signatures::layers
  std::vector<DivergenceLayer> pairs;     // a < b
};

// `heldout` must come from the signatures' classes (labels 0..k-1).
// `probes`, when given, is parallel to the signatures' layers.
Separability analyze_separability(const Signatures& signatures, const Probe& heldout, double threshold = 0.95,
                                  const LayerProbes* probes = nullptr);

}  // namespace glassbox::explain
