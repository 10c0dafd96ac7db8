#pragma once
// The layer contract: what glassbox (training, model files) and the explainers (explain/:
// gradients, LRP, signatures) call on a layer, when, and what each call must give.
//
// Life cycle. A factory makes the layer from its JSON config; build() is called once per
// per-sample input shape (again to rebuild); then forward() on batches, each forward
// optionally followed by one backward() for that batch. Explainers never use the model's
// own layer objects: they clone() them and call forward/backward on the clones, in
// Mode::inference and Mode::linear as well as Mode::train (see forward and backward).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/activation.h"
#include "glassbox/tensor.h"

namespace glassbox {

// How relevance flows through a layer; what the explainers rely on for each kind is
// written next to Layer::kind().
enum class LayerKind {
  linear,         // an affine map of its input in Mode::linear (Dense, Conv2D, AvgPool)
  activation,     // a pointwise function of its input (ReLU, Sigmoid...)
  pooling,        // max pooling: each output copies one input, its "winner"
  reshape,        // the same values in the same order under another shape (Flatten, Reshape)
  normalization,  // a per-channel affine map at inference (BatchNormalization)
  dropout,        // the identity at inference
  softmax,        // output normalisation; allowed only as the last layer
  other,          // anything else: gradient methods work, LRP refuses the network
  merge           // joins several inputs (add, concatenate, average): a MergeLayer (merge_layer.h)
};
std::string to_string(LayerKind kind);

enum class Mode {
  train,      // dropout active, batch statistics, caches for backward
  inference,  // deterministic: running statistics, no dropout
  linear      // inference without the activation fused into a layer's affine part
              // (activation()): the pre-activation z, for logits and LRP. Standalone
              // activation layers still apply theirs.
};

// Which gradients backward() computes. input_only: explainers (no weight gradients);
// params_only: the first layer of a model, whose input gradient nobody reads (the
// returned tensor's contents are then unspecified; a layer may compute it anyway).
enum class Gradients { input_and_params, input_only, params_only };

// What a parameter tensor is to the layer. Explainers (LRP rules, BatchNorm canonization),
// model files and the inspector go by the role, never by the name, so a plugin may name
// its parameters as it likes.
enum class ParamRole {
  weight,            // multiplies the input in a linear map: Dense/Conv2D kernel (Keras
                     // "kernel", PyTorch "weight"). LRP rules clamp, square or fill it.
  bias,              // added to a linear map's output. LRP rules zero it or keep its sign part.
  scale,             // a normalization's per-channel multiplier (BatchNorm gamma)
  shift,             // a normalization's per-channel offset (BatchNorm beta); LRP treats it
                     // as a bias
  running_mean,      // a normalization's running mean (not trainable)
  running_variance,  // a normalization's running variance (not trainable)
  other              // anything else. LRP rules that transform parameters refuse a layer
                     // with such a parameter (they cannot know what to do with it).
};
// "weight", "bias", "scale", "shift", "running_mean", "running_variance", "other".
std::string to_string(ParamRole role);
// The inverse of to_string. Throws ConfigError naming `text` and the known roles.
ParamRole param_role_from_string(const std::string& text);
// Bias and shift: the additive terms LRP rules drop or split by sign.
inline bool is_additive(ParamRole role) { return role == ParamRole::bias || role == ParamRole::shift; }

// One parameter tensor of a layer and its gradient, both owned by the layer.
// ParamRef lets the caller change them (training, loading weights, LRP's transformed
// clones); ConstParamRef only reads them.
template <class T>
struct BasicParamRef {
  std::string name;  // the layer's own name for it ("kernel", "W", ...): files and messages
  ParamRole role;    // what it is (see ParamRole); what explainers go by
  T* value;
  T* grad;
  bool trainable = true;  // false for running statistics: optimizers skip it
};
using ParamRef = BasicParamRef<Tensor>;
using ConstParamRef = BasicParamRef<const Tensor>;

class Layer {
 public:
  virtual ~Layer() = default;

  // ensures: the registry name the factory is registered under ("dense").
  virtual std::string type() const = 0;

  // ensures: a constant. The explainers rely on it as follows (x the input batch, y the
  // output; "forward" means the call on a clone in the mode given):
  //  linear:        forward(x, Mode::linear) is y = x W + b in the layer's own layout: each
  //                 output is a sum of input values times entries of the parameters of role
  //                 `weight`, plus entries of those of role `bias` (no parameters: fixed
  //                 non-negative coefficients, as average pooling). LRP clones the layer,
  //                 changes parameter values by role, runs forward(Mode::linear) on a
  //                 transformed input and takes backward(input_only) as (dy/dx)^T s. So
  //                 every parameter must be listed by params() and used by forward as is.
  //  activation:    y has x's shape and y_i depends on x_i only. LRP passes relevance through.
  //  pooling:       y_j copies one x_i; backward(g, input_only) after forward(Mode::linear)
  //                 routes each g_j to that x_i (LRP's winner-takes-all), so it sums to sum g.
  //  reshape:       y holds x's values in x's memory order; LRP copies relevance back.
  //  normalization: at inference y = scale (x - running_mean) / sqrt(running_variance + eps)
  //                 + shift per channel, with the parameters of those roles and config()
  //                 "epsilon" (1e-3 when absent). LRP merges it into a linear layer of
  //                 activation() linear right before it (which needs params of role weight
  //                 and bias, or a config the registry rebuilds with "use_bias": true);
  //                 otherwise it treats the layer as linear (see above: the rule's
  //                 transforms apply to shift as to a bias, to scale and the running
  //                 statistics as to weights).
  //  dropout:       the identity at inference; explainers skip the layer altogether.
  //  softmax:       only as the last layer; explainers drop it and explain the logits.
  //  merge:         the layer is a MergeLayer (merge_layer.h) and takes several inputs; LRP
  //                 splits relevance among them in proportion to their contributions.
  //  other:         forward/backward as for any layer, so gradient-based attributions
  //                 work; LRP refuses the network with an error naming the layer (there
  //                 is no plugin hook for a relevance rule: give the layer one of the
  //                 kinds above when its relevance flows that way).
  virtual LayerKind kind() const = 0;

  const std::string& name() const { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }

  // requires: input_shape is one sample's shape (no batch axis).
  // ensures: parameters allocated for it (drawn from the layer's initializers with `rng`)
  // and the per-sample output shape returned; throws ConfigError naming the layer when the
  // shape does not fit. May be called again: it rebuilds (new parameters).
  virtual Shape build(const Shape& input_shape, Rng& rng) = 0;

  // requires: build() was called; x is a batch (N, input_shape...), N >= 1.
  // ensures: a reference to an output buffer the layer owns, valid until the next
  // forward() or backward() on this object; the layer keeps what backward() needs for
  // this batch in every mode (explainers call backward after Mode::inference and
  // Mode::linear forwards, training after Mode::train). Mode::linear differs from
  // inference only by leaving out a fused activation (activation()).
  virtual const Tensor& forward(const Tensor& x, Mode mode) = 0;

  // requires: the last call on this object was forward(x, mode) for this batch; grad_output
  // has that forward's output shape.
  // ensures: dL/dx for that forward (the derivative of the function computed in that
  // mode: no activation after Mode::linear, running statistics after inference), in a
  // buffer the layer owns (valid until its next forward/backward). When `which` asks for
  // them, each parameter's gradient is OVERWRITTEN (not accumulated); input_only leaves
  // the gradients untouched.
  virtual const Tensor& backward(const Tensor& grad_output, Gradients which) = 0;

  // ensures: every parameter tensor the layer owns, each once, in a fixed order with a
  // name unique within the layer and its role. Shapes never change between build()s.
  // The mutable form lets the caller write values and gradients (the layer must be
  // non-const); both come from list_params().
  std::vector<ParamRef> params();
  std::vector<ConstParamRef> params() const { return list_params(); }

  // ensures: JSON that the layer's factory turns back into the same layer (without
  // weights); it holds "type" and "name".
  virtual nlohmann::json config() const = 0;

  // ensures: an independent layer with the same configuration, name and parameter values
  // (caches need not be copied: the clone's first call is a forward).
  virtual std::unique_ptr<Layer> clone() const = 0;

  // ensures: for a layer with an affine part, the activation fused after it: applied in
  // Mode::train and Mode::inference, left out in Mode::linear (Activation::linear when
  // none). A standalone activation layer returns the function it computes (in every mode:
  // Mode::linear concerns fused activations only). A nonlinearity glassbox does not know
  // is Activation::other, never linear: LRP merges BatchNorm only into a layer whose
  // activation() is linear, and a last layer's sigmoid or softmax tells losses and
  // predict_classes that the model outputs probabilities.
  virtual Activation activation() const { return Activation::linear; }

  std::size_t param_count() const;

 protected:
  // The implementation of params(): a layer with parameters overrides it. Every pointer
  // must point to a tensor the layer owns (a member, or held by one), never to a const
  // object, so params() on a non-const layer may hand out a writable view of it.
  virtual std::vector<ConstParamRef> list_params() const { return {}; }

 private:
  std::string name_;
};

}  // namespace glassbox
