#include "glassbox/explain/network.h"

#include <algorithm>
#include <cstring>

#include "glassbox/error.h"
#include "glassbox/model.h"

namespace glassbox::explain {

ExplainedNetwork::ExplainedNetwork(const MyDeepLearning& model) : registry_(&model.registry()) {
  if (!model.built()) throw Error("explain: the model is not built (no input shape yet)");
  std::vector<const Layer*> layers;
  for (std::size_t i = 0; i < model.size(); ++i) layers.push_back(&model.layer(i));
  init(layers, model.input_shape());
}

ExplainedNetwork::ExplainedNetwork(const std::vector<const Layer*>& layers, const Shape& input_shape,
                                   const Registry* registry)
    : registry_(registry) {
  init(layers, input_shape);
}

ExplainedNetwork::ExplainedNetwork(const ExplainedNetwork& other)
    : shapes_(other.shapes_), input_shape_(other.input_shape_), model_size_(other.model_size_),
      registry_(other.registry_) {
  for (const auto& l : other.layers_) layers_.push_back(l->clone());
}

ExplainedNetwork::~ExplainedNetwork() = default;

void ExplainedNetwork::init(const std::vector<const Layer*>& layers, const Shape& input_shape) {
  if (layers.empty()) throw Error("explain: the model has no layers");
  model_size_ = layers.size();
  input_shape_ = input_shape;
  std::size_t n = layers.size();
  if (layers.back()->kind() == LayerKind::softmax) --n;  // start at the logits
  if (n == 0) throw Error("explain: the model is only a softmax; nothing to explain");
  for (std::size_t i = 0; i < n; ++i) {
    if (layers[i]->kind() == LayerKind::softmax)
      throw Error("explain: layer " + std::to_string(i) + " '" + layers[i]->name() +
                  "' is a softmax inside the network; explainers only skip a softmax at the end");
    layers_.push_back(layers[i]->clone());
  }
  // One zero sample through the clones gives every layer's shapes.
  Tensor x = xt::zeros<float>(batch_shape(1, input_shape_));
  shapes_.push_back(input_shape_);
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const bool last = i + 1 == layers_.size();
    const Tensor& y = layers_[i]->forward(x, last ? Mode::linear : Mode::inference);
    shapes_.push_back(sample_shape_of(y));
    x = y;
  }
  if (shapes_.back().size() != 1)
    throw Error("explain: the last layer gives " + shape_to_string(shapes_.back()) +
                " per sample; explainers need a vector of logits (add flatten + dense)");
}

std::size_t ExplainedNetwork::num_classes() const { return shapes_.back().at(0); }

Tensor ExplainedNetwork::logits(const Tensor& x) {
  const Tensor* cur = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const bool last = i + 1 == layers_.size();
    cur = &layers_[i]->forward(*cur, last ? Mode::linear : Mode::inference);
  }
  return *cur;
}

Tensor ExplainedNetwork::logit_gradient(const Tensor& x, const Tensor& seed, Tensor* logits_out) {
  const Tensor* cur = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    const bool last = i + 1 == layers_.size();
    // Dropout is the identity at inference; skipping it spares relying on a backward
    // after an inference forward of a layer that only caches its mask in training.
    if (layers_[i]->kind() == LayerKind::dropout) continue;
    cur = &layers_[i]->forward(*cur, last ? Mode::linear : Mode::inference);
  }
  if (logits_out) *logits_out = *cur;
  if (seed.shape() != cur->shape())
    throw Error("explain: gradient seed of shape " + shape_to_string(sample_shape_of(seed)) +
                " does not match the logits");
  Tensor grad = seed;
  for (std::size_t k = layers_.size(); k-- > 0;) {
    if (layers_[k]->kind() == LayerKind::dropout) continue;
    grad = layers_[k]->backward(grad, Gradients::input_only);
  }
  return grad;
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
