#pragma once
// Activation signatures: what each class of inputs does to each layer, summarized in
// memory that does not grow with the dataset.
//
// A layer's "features" are its neurons (dense outputs, any non-image layer) or, for layers
// whose per-sample output is an image (C, H, W), its channels: a channel's feature value is
// its spatial mean and its "peak" the spatial maximum. A feature FIRES for an input when
// its peak (for neurons, the value itself) is above the firing threshold; the set of
// firing features is the input's binarized pattern at that layer.
//
// Layer index -1 is the model's input (a baseline: what is separable before any layer).
#include <cstdint>
#include <string>
#include <vector>

#include "glassbox/explain/bit_pattern.h"
#include "glassbox/explain/mahalanobis.h"
#include "glassbox/explain/running_moments.h"
#include "glassbox/layer.h"
#include "glassbox/tensor.h"

namespace glassbox::explain {

struct SignatureOptions {
  float firing_threshold = 0.0f;        // a feature fires when its activation is > this
  std::size_t top_k = 10;               // neurons listed per class
  std::size_t pattern_capacity = 1024;  // distinct binarized patterns kept per class and layer
  std::size_t max_covariance_dim = 256; // full shared covariance up to this many features
  std::size_t batch_size = 256;
  bool include_input = true;            // record the input as layer -1
  // Flatten, reshape and dropout layers repeat their input's values: skipped unless asked.
  bool include_reshape = false;
  std::vector<std::string> layers;      // layer names to record; empty = all
};

enum class FeatureKind { neuron, channel };
std::string to_string(FeatureKind kind);

struct LayerSignature {
  int index = -1;  // model layer index, -1 for the input
  std::string name, type, activation;
  LayerKind kind = LayerKind::other;
  Shape shape;     // per-sample output shape
  FeatureKind feature_kind = FeatureKind::neuron;
  std::size_t features = 0;

  // Per class (index = class label of the data the signatures were built from):
  std::vector<RunningMoments> moments;        // neuron value / channel spatial mean
  std::vector<RunningMoments> peak_moments;   // channel spatial max (channel layers only)
  std::vector<std::vector<std::int64_t>> fire_counts;
  std::vector<PatternCounts> patterns;
  SharedCovariance covariance;                // pooled within-class, for Mahalanobis

  std::vector<double> firing_rate(std::size_t c) const;
  // Rate over all classes pooled.
  std::vector<double> overall_firing_rate() const;
  // The majority pattern of class c: bit j set iff feature j fires for more than half of
  // the class's inputs.
  BitPattern majority_pattern(std::size_t c) const;
};

struct Signatures {
  SignatureOptions options;
  std::vector<std::string> class_names;
  std::vector<int> source_labels;             // class c's label in the source dataset
  std::vector<std::int64_t> class_counts;
  std::int64_t samples = 0;
  std::vector<LayerSignature> layers;

  std::size_t num_classes() const { return class_names.size(); }
  // Position in `layers` of the model layer with that index; throws when not recorded.
  std::size_t position_of(int layer_index) const;
  std::string layer_label(std::size_t position) const;  // "conv2d_0 (conv2d)" / "input"
};

}  // namespace glassbox::explain
