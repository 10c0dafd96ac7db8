#pragma once
// The merge-layer contract: a layer that joins the outputs of several layers into one
// (add, concatenate, average), the node where branches of a graph model meet (model.h).
//
// A merge is a Layer whose kind() is LayerKind::merge; the model, the explainers and model
// files recognise it by that kind and then use this interface (only classes derived from
// MergeLayer may return that kind). Its life cycle is Layer's with several inputs: build()
// once per list of input shapes, forward() on a list of batches, optionally one backward()
// giving one gradient per input. The one-input calls of Layer refuse: a merge of a single
// tensor is a configuration error (Keras refuses it too).
//
// Linearity. A merge is linear in its inputs and has no parameters: y = sum_k A_k x_k, where
// each output element takes at most one element of each input (a sum, an average, a copy).
// So forward_merge with all inputs but x_k zero gives x_k's contribution A_k x_k, and
// x_k * backward_merge(s)[k] (element by element) is LRP's epsilon rule on the merge: the
// explainers rely on both.
#include <vector>

#include "glassbox/layer.h"

namespace glassbox {

class MergeLayer : public Layer {
 public:
  LayerKind kind() const final { return LayerKind::merge; }

  // requires: input_shapes.size() >= 2, the per-sample shapes of the inputs in the order of
  // the node's "inputs".
  // ensures: the per-sample output shape; throws ConfigError naming the layer and the
  // shapes that do not fit (both of them, with their positions in the list).
  virtual Shape build_merge(const std::vector<Shape>& input_shapes, Rng& rng) = 0;

  // requires: build_merge() was called; inputs[k] is a batch (N, input_shapes[k]...), the
  // same N for every k.
  // ensures: a reference to an output buffer the layer owns, valid until its next
  // forward/backward; the same function in every mode.
  virtual const Tensor& forward_merge(const std::vector<const Tensor*>& inputs, Mode mode) = 0;

  // requires: the last call on this object was forward_merge() for this batch; grad_output
  // has its output shape.
  // ensures: dL/dx_k for every input k, in buffers the layer owns (valid until its next
  // forward/backward), result[k] shaped as inputs[k].
  virtual const std::vector<Tensor>& backward_merge(const Tensor& grad_output) = 0;

  // ensures: the input shapes of the last build_merge() (empty before).
  const std::vector<Shape>& input_shapes() const { return input_shapes_; }

  // Layer's one-input calls: build throws ConfigError ("needs at least 2 inputs"), forward
  // and backward throw Error.
  Shape build(const Shape& input_shape, Rng& rng) final;
  const Tensor& forward(const Tensor& x, Mode mode) final;
  const Tensor& backward(const Tensor& grad_output, Gradients which) final;

 protected:
  // Derived classes call it from build_merge (after checking the shapes).
  void set_input_shapes(std::vector<Shape> shapes) { input_shapes_ = std::move(shapes); }

 private:
  std::vector<Shape> input_shapes_;
};

// The merge interface of `layer` when its kind() is merge, otherwise null.
inline MergeLayer* as_merge(Layer& layer) {
  return layer.kind() == LayerKind::merge ? static_cast<MergeLayer*>(&layer) : nullptr;
}
inline const MergeLayer* as_merge(const Layer& layer) {
  return layer.kind() == LayerKind::merge ? static_cast<const MergeLayer*>(&layer) : nullptr;
}

}  // namespace glassbox
