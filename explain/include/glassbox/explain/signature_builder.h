#pragma once
// Builds activation signatures in ONE streaming pass: batches go through
// model.forward(x, hook) in inference mode and the hook folds each recorded layer's output
// into per-class running statistics. Nothing per sample is kept.
#include <memory>

#include "glassbox/dataset.h"
#include "glassbox/explain/signature.h"
#include "glassbox/model.h"
#include "glassbox/replica_group.h"

namespace glassbox::explain {

// Reduces a batch of layer outputs to features: for neuron layers a pointer into the
// output, for channel layers the spatial mean (features) and spatial max (peaks) per
// channel, and with grid g >= 1 the maximum of each cell of a g x g grid per channel
// (cell (gy, gx) covers rows [gy*H/g, (gy+1)*H/g) and the same for columns).
class FeatureExtractor {
 public:
  FeatureExtractor(FeatureKind kind, const Shape& sample_shape, std::size_t grid = 0);
  std::size_t features() const { return features_; }
  // Reduces `n` samples of `output` (n * prod(sample_shape) floats); the results stay valid
  // until the next call.
  void reduce(const float* output, std::size_t n);
  const float* features_of(std::size_t i) const;
  const float* peaks_of(std::size_t i) const;
  // Cell maxima of sample i (channels * grid * grid), or null without a grid.
  const float* cells_of(std::size_t i) const;
  std::size_t grid() const { return grid_; }

 private:
  FeatureKind kind_;
  std::size_t features_ = 0, spatial_ = 1, sample_size_ = 0, grid_ = 0, h_ = 1, w_ = 1;
  const float* raw_ = nullptr;
  std::vector<float> mean_, peak_, cell_;
};

// How to see a layer: channel layers have (C, H, W) outputs.
FeatureKind feature_kind_for(const Shape& sample_shape);

class SignatureBuilder {
 public:
  SignatureBuilder(const MyDeepLearning& model, std::vector<std::string> class_names,
                   std::vector<int> source_labels, SignatureOptions options = {});
  ~SignatureBuilder();

  // Calibration (before any add_batch): collects channel peaks and cell maxima of a batch
  // of fit inputs; finish_calibration() turns them into per-channel thresholds. Without
  // calibration, channel layers with conv_firing "quantile" use firing_threshold.
  void calibrate_batch(MyDeepLearning& model, const Tensor& x);
  void finish_calibration();
  bool needs_calibration() const;

  // Folds one batch: x has the model's input shape, labels[i] in 0..classes-1.
  void add_batch(MyDeepLearning& model, const Tensor& x, const std::vector<int>& labels);
  // Folds one layer's outputs (what the activation hook sees); `layer_index` -1 = input.
  void observe(int layer_index, const Tensor& output, const std::vector<int>& labels);
  Signatures finish();

 private:
  struct Recorder;
  Signatures sig_;
  std::vector<std::unique_ptr<Recorder>> recorders_;  // parallel to sig_.layers
  std::vector<int> position_;                          // model layer index + 1 -> recorder or -1
};

// Builds the signatures of `data` (its labels, class names and original labels).
// With replicas (replica_group.h; every replica calls it alike): the calibration pass runs
// on every replica (the same seeded subset), the signature pass on each replica's shard
// (shard_of over the samples); the accumulators are then exchanged and merged in rank
// order, so every replica returns the same signatures, equal to one process's up to
// float rounding (and, once a class passes pattern_capacity distinct patterns, to which
// patterns are kept).
Signatures build_signatures(MyDeepLearning& model, const LabeledData& data,
                            const SignatureOptions& options = {}, ReplicaGroup* replicas = nullptr);

// The per-class accumulators of `s` (moments, firing counts, patterns, covariance, class
// counts) as numbers, and their merge into signatures of the same model and options
// (`first`: replace rather than add). Error when the layers do not match.
nlohmann::json signature_accumulators(const Signatures& s);
void merge_signature_accumulators(Signatures& into, const nlohmann::json& state, bool first);

}  // namespace glassbox::explain
