#pragma once
// Activation signatures: what each class of inputs does to each layer, summarized in
// memory that does not grow with the dataset.
//
// A layer's "features" are its neurons (dense outputs, any non-image layer) or, for layers
// whose per-sample output is an image (C, H, W), its channels: a channel's feature value is
// its spatial mean and its "peak" the spatial maximum. A feature FIRES for an input when
// its peak (for neurons, the value itself) is above its firing threshold.
//
// Firing thresholds: neurons use `firing_threshold` (0: a ReLU unit is on). A channel's
// spatial maximum is above 0 for almost every input, so by default (conv_firing
// "quantile") each channel gets its own threshold from the training distribution, as
// neuron-activation-pattern monitors do (Cheng et al. 2019, Olber et al. 2023): the
// `conv_quantile` quantile of its peak over (up to `calibration_samples`) fit inputs, found
// in a calibration pass before the signatures are built. conv_firing "threshold" uses
// `firing_threshold` for channels too (the old behaviour).
//
// The binarized pattern of an input at a layer (stored patterns, Hamming novelty) has one
// bit per firing unit: per neuron, per channel, or with pattern_grid g >= 1 per channel
// and cell of a g x g grid over the feature map: a cell fires when its maximum is above
// the channel's cell threshold (the same quantile of the channel's cell maxima). Bits are
// channel-major: bit (c * g + gy) * g + gx.
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
  float firing_threshold = 0.0f;        // a neuron fires when its activation is > this
  std::string conv_firing = "quantile";  // channels: "quantile" (per channel) or "threshold"
  double conv_quantile = 0.75;          // quantile of the training peaks / cell maxima
  std::size_t pattern_grid = 2;         // 0: one pattern bit per channel; g: g x g cells per channel
  std::size_t calibration_samples = 2048;  // fit inputs (a seeded random subset) for the quantiles; 0 = all
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
  std::vector<PatternCounts> patterns;         // binarized patterns (pattern_bits bits)
  std::vector<float> thresholds;              // per feature: fires when peak > this
  std::size_t grid = 0;                       // pattern grid (channel layers), 0 = none
  std::vector<float> cell_thresholds;         // per channel, for grid cells
  std::size_t pattern_bits = 0;               // features, or channels * grid * grid
  SharedCovariance covariance;                // pooled within-class, for Mahalanobis

  std::vector<double> firing_rate(std::size_t c) const;
  // Rate over all classes pooled.
  std::vector<double> overall_firing_rate() const;
  // The majority pattern of class c: bit j set iff feature j fires for more than half of
  // the class's inputs.
  BitPattern majority_pattern(std::size_t c) const;
  // The binarized pattern of one input from its peaks (features values) and, with a grid,
  // its cell maxima (channels * grid * grid values).
  BitPattern binarize(const float* peaks, const float* cells) const;
};

struct Signatures {
  SignatureOptions options;
  std::vector<std::string> class_names;
  std::vector<int> source_labels;             // class c's label in the source dataset
  std::vector<std::int64_t> class_counts;
  std::int64_t samples = 0;
  // The recorded layers: the input first, then in the model's execution order (for a
  // graph model, the order a pass runs its nodes, whatever order they were listed in).
  std::vector<LayerSignature> layers;

  std::size_t num_classes() const { return class_names.size(); }
  // Position in `layers` of the model layer with that index; throws when not recorded.
  std::size_t position_of(int layer_index) const;
  std::string layer_label(std::size_t position) const;  // "conv2d_0 (conv2d)" / "input"
};

}  // namespace glassbox::explain
