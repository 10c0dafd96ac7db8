#pragma once
// The network an explainer walks: its own clones of a model's layers (so explaining never
// disturbs the model's buffers and two explainers can work side by side), the per-layer
// shapes, and the explained score.
//
// The explained score is always a logit: the pre-activation of the last layer, never a
// softmax output. A final softmax layer is skipped (kind() == softmax) and a softmax
// fused into the last dense layer is removed by running it in Mode::linear. Why: the
// softmax output of class c depends on every other logit, so its relevance would explain
// "c against the others" mixed with the others' evidence, and it saturates near 1 where
// gradients vanish; the logit is the model's own evidence for c.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "glassbox/layer.h"
#include "glassbox/registry.h"
#include "glassbox/tensor.h"

namespace glassbox {
class MyDeepLearning;
}

namespace glassbox::explain {

// A graph model (model.h, "Graph models") keeps its graph: each layer's inputs, the
// execution order (the last layer of it gives the logits) and, in logit_gradient, the
// gradients summed where an output feeds several layers. A sequential model is the graph
// whose layer i takes layer i - 1.
class ExplainedNetwork {
 public:
  // What layer_inputs() gives for the network's input.
  static constexpr int kInput = -1;

  explicit ExplainedNetwork(const MyDeepLearning& model);
  // Layers built for `input_shape` (per sample), in sequence; `registry` lets LRP rebuild a
  // layer with a bias for BatchNorm canonization (optional).
  ExplainedNetwork(const std::vector<const Layer*>& layers, const Shape& input_shape,
                   const Registry* registry = nullptr);
  ExplainedNetwork(const ExplainedNetwork& other);
  ExplainedNetwork& operator=(const ExplainedNetwork&) = delete;
  ~ExplainedNetwork();

  // Layers that are explained (a final softmax is not among them).
  std::size_t size() const { return layers_.size(); }
  // All layers of the model, including a skipped final softmax.
  std::size_t model_size() const { return model_size_; }
  bool skipped_final_softmax() const { return model_size_ > layers_.size(); }

  Layer& layer(std::size_t i) { return *layers_.at(i); }
  const Layer& layer(std::size_t i) const { return *layers_.at(i); }
  const Shape& input_shape() const { return input_shape_; }
  // Layer i's input shape (a merge: its first input's) and output shape, per sample.
  const Shape& layer_input_shape(std::size_t i) const { return in_shapes_.at(i); }
  const Shape& layer_output_shape(std::size_t i) const { return out_shapes_.at(i); }
  std::size_t num_classes() const;  // size of the logit vector
  const Registry* registry() const { return registry_; }

  // The graph. layer_inputs(i): the layers whose outputs layer i takes (kInput: the
  // network's input); order(): the layers in the order a pass runs them, order().back()
  // gives the logits; fan_out(i): how many inputs name layer i (for kInput: the input).
  bool is_graph() const { return graph_; }
  const std::vector<int>& layer_inputs(std::size_t i) const { return inputs_.at(i); }
  const std::vector<std::size_t>& order() const { return order_; }
  std::size_t fan_out(int i) const { return fan_out_.at(slot(i)); }

  // Logits (N, classes) of a batch.
  Tensor logits(const Tensor& x);
  // Gradient of sum_n sum_c seed[n, c] * logit[n, c] with respect to x (same shape as x);
  // `logits_out` receives the logits of the same pass when given.
  Tensor logit_gradient(const Tensor& x, const Tensor& seed, Tensor* logits_out = nullptr);
  // Gradient of each row's logit of class targets[n].
  Tensor target_gradient(const Tensor& x, const std::vector<int>& targets, Tensor* logits_out = nullptr);

  // "predicted" → argmax of each row; a class index for every row otherwise.
  static std::vector<int> argmax_rows(const Tensor& logits);

 private:
  void init(const std::vector<const Layer*>& layers, const Shape& input_shape);
  std::size_t slot(int i) const { return i == kInput ? layers_.size() : static_cast<std::size_t>(i); }
  // One pass in execution order (the last layer in Mode::linear, the others in inference);
  // `skip_dropout`: dropout layers hand their input on.
  const Tensor& run_forward(const Tensor& x, bool skip_dropout);
  void deliver(int node, const Tensor& grad);

  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<Shape> in_shapes_, out_shapes_;
  Shape input_shape_;
  std::size_t model_size_ = 0;
  const Registry* registry_ = nullptr;
  bool graph_ = false;
  std::vector<std::vector<int>> inputs_;
  std::vector<std::size_t> order_, fan_out_;  // fan_out_[size()]: the network's input
  // Per pass.
  std::vector<const Tensor*> outputs_, grad_of_, merge_inputs_;
  std::vector<std::size_t> received_;
  std::vector<Tensor> grad_sums_;
};

// Which class each row explains: the predicted one, a fixed class, or every class.
struct Target {
  enum class Kind { predicted, label, all };
  Kind kind = Kind::predicted;
  int label = 0;

  static Target predicted() { return {Kind::predicted, 0}; }
  static Target of_class(int c) { return {Kind::label, c}; }
  static Target all() { return {Kind::all, 0}; }
  // "predicted", "all" or a class index; throws ConfigError otherwise.
  static Target parse(const std::string& text);
  std::string to_string() const;
};

// Rows to explain for a batch of n samples: (sample index, class) pairs; for Target::all
// every sample appears once per class, sample-major. `logits` decides "predicted".
struct ExplanationRows {
  std::vector<std::size_t> sample;
  std::vector<int> target;
};
ExplanationRows explanation_rows(const Tensor& logits, const Target& target);

// Row r of x, stacked: the batch (rows.size(), ...) to explain.
Tensor gather_rows(const Tensor& x, const std::vector<std::size_t>& rows);

}  // namespace glassbox::explain
