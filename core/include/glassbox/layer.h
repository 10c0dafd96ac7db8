#pragma once
// The layer contract. A layer is built once for a per-sample input shape, then runs
// forward on batches and, after a forward in train mode, backward.
//
// Guarantees a layer must give:
//  - build() allocates parameters (from its initializer and the given Rng) and returns the
//    per-sample output shape; it may be called again to rebuild.
//  - forward() returns a reference to a buffer the layer owns, valid until its next
//    forward(); it caches what backward() needs.
//  - backward(grad_output, which) returns dL/dinput for the last forward's batch and,
//    when `which` asks for it, OVERWRITES (not accumulates) each parameter's gradient.
//  - params() lists value/gradient pairs in a fixed order, with stable names
//    ("kernel", "bias", "gamma", ...). Their shapes never change after build().
//  - config() is JSON that the layer's factory turns back into the same layer (without
//    weights); it holds "type" and "name".
//  - clone() copies configuration and parameters.
//  - kind() tells the explainers how relevance flows through the layer.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/tensor.h"

namespace glassbox {

enum class LayerKind {
  linear,         // an affine map of its input (Dense, Conv2D, AvgPool): LRP rules apply
  activation,     // pointwise nonlinearity (ReLU, Sigmoid...): relevance passes through
  pooling,        // max pooling: winner takes all
  reshape,        // Flatten, Reshape: relevance is reshaped
  normalization,  // BatchNormalization: canonized into the preceding linear layer
  dropout,        // identity at inference
  softmax,        // output normalisation: explainers start below it, at the logits
  other           // a plugin layer; explainers need its RelevanceRule implementation
};
std::string to_string(LayerKind kind);

enum class Mode {
  train,      // dropout active, batch statistics, caches for backward
  inference,  // deterministic
  linear      // inference without a fused activation: the pre-activation z (for LRP)
};

// Which gradients backward() computes. input_only: explainers (no weight gradients);
// params_only: the first layer of a model, whose input gradient nobody reads (the
// returned tensor's contents are then unspecified; a layer may compute it anyway).
enum class Gradients { input_and_params, input_only, params_only };

struct ParamRef {
  std::string name;  // "kernel", "bias", ...
  Tensor* value;
  Tensor* grad;
  bool trainable = true;  // false for running statistics
};

class Layer {
 public:
  virtual ~Layer() = default;

  virtual std::string type() const = 0;
  virtual LayerKind kind() const = 0;

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  virtual Shape build(const Shape& input_shape, Rng& rng) = 0;
  virtual const Tensor& forward(const Tensor& x, Mode mode) = 0;
  virtual const Tensor& backward(const Tensor& grad_output, Gradients which) = 0;

  virtual std::vector<ParamRef> params() { return {}; }
  virtual nlohmann::json config() const = 0;
  virtual std::unique_ptr<Layer> clone() const = 0;

  // Name of a fused activation ("relu", ...) or "linear" when there is none.
  virtual std::string activation() const { return "linear"; }

  std::size_t param_count();

 private:
  std::string name_;
};

}  // namespace glassbox
