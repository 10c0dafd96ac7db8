#include "glassbox/explain/network.h"

#include <algorithm>
#include <cstring>

#include "glassbox/error.h"
#include "glassbox/merge_layer.h"
#include "glassbox/model.h"

namespace glassbox::explain {

ExplainedNetwork::ExplainedNetwork(const MyDeepLearning& model) : registry_(&model.registry()) {
  if (!model.built()) throw Error("explain: the model is not built (no input shape yet)");
  std::vector<const Layer*> layers;
  for (std::size_t i = 0; i < model.size(); ++i) {
    layers.push_back(&model.layer(i));
    inputs_.push_back(model.layer_inputs(i));
  }
  graph_ = model.is_graph();
  order_ = model.execution_order();
  init(layers, model.input_shape());
}

ExplainedNetwork::ExplainedNetwork(const std::vector<const Layer*>& layers, const Shape& input_shape,
                                   const Registry* registry)
    : registry_(registry) {
  for (std::size_t i = 0; i < layers.size(); ++i) {
    inputs_.push_back({static_cast<int>(i) - 1});
    order_.push_back(i);
  }
  init(layers, input_shape);
}

ExplainedNetwork::ExplainedNetwork(const ExplainedNetwork& other)
    : in_shapes_(other.in_shapes_), out_shapes_(other.out_shapes_), input_shape_(other.input_shape_),
      model_size_(other.model_size_), registry_(other.registry_), graph_(other.graph_), inputs_(other.inputs_),
      order_(other.order_), fan_out_(other.fan_out_) {
  for (const auto& l : other.layers_) layers_.push_back(l->clone());
}

ExplainedNetwork::~ExplainedNetwork() = default;

// requires: inputs_ and order_ describe `layers` (order_ topological, the last layer last).
void ExplainedNetwork::init(const std::vector<const Layer*>& layers, const Shape& input_shape) {
  if (layers.empty()) throw Error("explain: the model has no layers");
  model_size_ = layers.size();
  input_shape_ = input_shape;
  std::size_t n = layers.size();
  if (layers.back()->kind() == LayerKind::softmax) {  // start at the logits
    --n;
    inputs_.pop_back();
    order_.pop_back();  // the output layer runs last
  }
  if (n == 0) throw Error("explain: the model is only a softmax; nothing to explain");
  for (std::size_t i = 0; i < n; ++i) {
    if (layers[i]->kind() == LayerKind::softmax)
      throw Error("explain: layer " + std::to_string(i) + " '" + layers[i]->name() +
                  "' is a softmax inside the network; explainers only skip a softmax at the end");
    layers_.push_back(layers[i]->clone());
  }
  fan_out_.assign(n + 1, 0);
  for (const auto& in : inputs_)
    for (int j : in) ++fan_out_[slot(j)];
  // One zero sample through the clones gives every layer's shapes.
  const Tensor x = xt::zeros<float>(batch_shape(1, input_shape_));
  run_forward(x, false);
  out_shapes_.resize(n);
  in_shapes_.resize(n);
  for (std::size_t i = 0; i < n; ++i) out_shapes_[i] = sample_shape_of(*outputs_[i]);
  for (std::size_t i = 0; i < n; ++i)
    in_shapes_[i] = inputs_[i][0] == kInput ? input_shape_ : out_shapes_[static_cast<std::size_t>(inputs_[i][0])];
  if (out_shapes_[order_.back()].size() != 1)
    throw Error("explain: the last layer gives " + shape_to_string(out_shapes_[order_.back()]) +
                " per sample; explainers need a vector of logits (add flatten + dense)");
}

std::size_t ExplainedNetwork::num_classes() const { return out_shapes_[order_.back()].at(0); }

const Tensor& ExplainedNetwork::run_forward(const Tensor& x, bool skip_dropout) {
  outputs_.assign(layers_.size(), nullptr);
  const Tensor* last = &x;
  for (std::size_t k = 0; k < order_.size(); ++k) {
    const std::size_t i = order_[k];
    const Mode mode = k + 1 == order_.size() ? Mode::linear : Mode::inference;
    Layer& l = *layers_[i];
    if (MergeLayer* merge = as_merge(l)) {
      merge_inputs_.clear();
      for (int j : inputs_[i]) merge_inputs_.push_back(j == kInput ? &x : outputs_[static_cast<std::size_t>(j)]);
      outputs_[i] = &merge->forward_merge(merge_inputs_, mode);
    } else {
      const int j = inputs_[i][0];
      const Tensor& in = j == kInput ? x : *outputs_[static_cast<std::size_t>(j)];
      // Dropout is the identity at inference; skipping it spares relying on a backward
      // after an inference forward of a layer that only caches its mask in training.
      outputs_[i] = skip_dropout && l.kind() == LayerKind::dropout ? &in : &l.forward(in, mode);
    }
    last = outputs_[i];
  }
  return *last;
}

Tensor ExplainedNetwork::logits(const Tensor& x) { return run_forward(x, false); }

// Hands a gradient on to `node` (kInput: the network's input): as is when the node feeds
// one layer, summed over its consumers otherwise.
void ExplainedNetwork::deliver(int node, const Tensor& grad) {
  const std::size_t i = slot(node);
  if (fan_out_[i] == 1) {
    grad_of_[i] = &grad;
    return;
  }
  Tensor& sum = grad_sums_[i];
  if (received_[i]++ == 0) {
    if (sum.shape() != grad.shape()) sum = Tensor::from_shape(grad.shape());
    std::copy(grad.data(), grad.data() + grad.size(), sum.data());
  } else {
    float* d = sum.data();
    const float* g = grad.data();
    for (std::size_t k = 0; k < sum.size(); ++k) d[k] += g[k];
  }
  grad_of_[i] = &sum;
}

Tensor ExplainedNetwork::logit_gradient(const Tensor& x, const Tensor& seed, Tensor* logits_out) {
  const Tensor& out = run_forward(x, true);
  if (logits_out) *logits_out = out;
  if (seed.shape() != out.shape())
    throw Error("explain: gradient seed of shape " + shape_to_string(sample_shape_of(seed)) +
                " does not match the logits");
  const std::size_t n = layers_.size();
  grad_of_.assign(n + 1, nullptr);
  received_.assign(n + 1, 0);
  grad_sums_.resize(n + 1);
  grad_of_[order_.back()] = &seed;
  // Reverse execution order: a layer's consumers have all handed on their gradients.
  for (std::size_t k = order_.size(); k-- > 0;) {
    const std::size_t i = order_[k];
    const Tensor& g = *grad_of_[i];
    Layer& l = *layers_[i];
    if (MergeLayer* merge = as_merge(l)) {
      const std::vector<Tensor>& grads = merge->backward_merge(g);
      for (std::size_t c = 0; c < inputs_[i].size(); ++c) deliver(inputs_[i][c], grads[c]);
    } else if (l.kind() == LayerKind::dropout) {
      deliver(inputs_[i][0], g);
    } else {
      deliver(inputs_[i][0], l.backward(g, Gradients::input_only));
    }
  }
  return *grad_of_[n];
}

Tensor ExplainedNetwork::target_gradient(const Tensor& x, const std::vector<int>& targets,
                                         Tensor* logits_out) {
  const std::size_t n = x.shape(0), c = num_classes();
  if (targets.size() != n)
    throw Error("explain: " + std::to_string(targets.size()) + " targets for " + std::to_string(n) + " rows");
  Tensor seed = xt::zeros<float>({n, c});
  for (std::size_t r = 0; r < n; ++r) {
    if (targets[r] < 0 || static_cast<std::size_t>(targets[r]) >= c)
      throw ConfigError("explain: target class " + std::to_string(targets[r]) + " out of range 0.." +
                        std::to_string(c - 1));
    seed(r, static_cast<std::size_t>(targets[r])) = 1.0f;
  }
  return logit_gradient(x, seed, logits_out);
}

std::vector<int> ExplainedNetwork::argmax_rows(const Tensor& logits) {
  const std::size_t n = logits.shape(0), c = logits.size() / std::max<std::size_t>(n, 1);
  std::vector<int> out(n);
  for (std::size_t r = 0; r < n; ++r) {
    const float* row = logits.data() + r * c;
    out[r] = static_cast<int>(std::max_element(row, row + c) - row);
  }
  return out;
}

Target Target::parse(const std::string& text) {
  if (text == "predicted" || text.empty()) return predicted();
  if (text == "all") return all();
  try {
    std::size_t used = 0;
    int c = std::stoi(text, &used);
    if (used == text.size() && c >= 0) return of_class(c);
  } catch (...) {
  }
  throw ConfigError("target must be 'predicted', 'all' or a class index, got '" + text + "'");
}

std::string Target::to_string() const {
  if (kind == Kind::predicted) return "predicted";
  if (kind == Kind::all) return "all";
  return std::to_string(label);
}

ExplanationRows explanation_rows(const Tensor& logits, const Target& target) {
  ExplanationRows rows;
  const std::size_t n = logits.shape(0), c = logits.shape(1);
  if (target.kind == Target::Kind::label && (target.label < 0 || static_cast<std::size_t>(target.label) >= c))
    throw ConfigError("target class " + std::to_string(target.label) + " out of range: the model has " +
                      std::to_string(c) + " classes (0.." + std::to_string(c - 1) + ")");
  std::vector<int> pred = ExplainedNetwork::argmax_rows(logits);
  for (std::size_t r = 0; r < n; ++r) {
    if (target.kind == Target::Kind::all) {
      for (std::size_t k = 0; k < c; ++k) rows.sample.push_back(r), rows.target.push_back(static_cast<int>(k));
    } else {
      rows.sample.push_back(r);
      rows.target.push_back(target.kind == Target::Kind::predicted ? pred[r] : target.label);
    }
  }
  return rows;
}

Tensor gather_rows(const Tensor& x, const std::vector<std::size_t>& rows) {
  Shape s(x.shape().begin(), x.shape().end());
  const std::size_t per = x.shape(0) ? x.size() / x.shape(0) : 0;
  s[0] = rows.size();
  Tensor out = Tensor::from_shape(s);
  for (std::size_t r = 0; r < rows.size(); ++r)
    std::memcpy(out.data() + r * per, x.data() + rows[r] * per, per * sizeof(float));
  return out;
}

}  // namespace glassbox::explain
