// MyDeepLearning as a graph of layers: resolving "inputs", the execution order and the
// checks of a complete graph, building through merges, and the forward and backward
// passes that follow the edges (gradients summed where an output feeds several layers).
#include <algorithm>
#include <set>

#include "glassbox/error.h"
#include "glassbox/merge_layer.h"
#include "glassbox/shape_check.h"
#include "model_impl.h"

namespace glassbox {

namespace {

constexpr int kInput = MyDeepLearning::kModelInput;

std::string describe(const Layer& l) { return "layer '" + l.name() + "' (" + l.type() + ")"; }

// "'a' -> 'b' -> 'a'" for layers that Kahn's algorithm left with pending[i] > 0 inputs.
// Every such layer has such an input: walking those inputs from one of them must come
// back to a layer already seen, which closes a cycle; the text follows the data flow.
std::string cycle_text(const std::vector<std::unique_ptr<Layer>>& layers, const std::vector<std::vector<int>>& inputs,
                       const std::vector<std::size_t>& pending) {
  std::size_t cur = 0;
  while (pending[cur] == 0) ++cur;
  std::vector<std::size_t> walk;
  while (std::find(walk.begin(), walk.end(), cur) == walk.end()) {
    walk.push_back(cur);
    for (int j : inputs[cur])
      if (j != kInput && pending[static_cast<std::size_t>(j)] > 0) {
        cur = static_cast<std::size_t>(j);
        break;
      }
  }
  std::string cycle = "'" + layers[cur]->name() + "'";
  for (auto it = std::find(walk.begin(), walk.end(), cur) + 1; it != walk.end(); ++it)
    cycle = "'" + layers[*it]->name() + "' -> " + cycle;
  return "'" + layers[cur]->name() + "' -> " + cycle;
}

}  // namespace

bool MyDeepLearning::Impl::default_inputs(std::size_t i) const {
  const auto& given = input_names[i];
  if (given.empty()) return true;
  return given.size() == 1 && given[0] == (i == 0 ? std::string(kInputName) : layers[i - 1]->name());
}

// Sets inputs, fan_out, graph and order (Kahn's algorithm; among ready layers the one
// added first). `complete`: the model is about to run, so every layer but the last must
// feed another one.
void MyDeepLearning::Impl::resolve_graph(bool complete) {
  const std::size_t n = layers.size();
  inputs.assign(n, {});
  fan_out.assign(n, 0);
  graph = false;
  std::vector<std::vector<std::size_t>> consumers(n);
  std::vector<std::size_t> pending(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    graph = graph || !default_inputs(i);
    if (input_names[i].empty()) inputs[i] = {static_cast<int>(i) - 1};  // i == 0: kInput
    for (const auto& name : input_names[i]) {
      const int j = name == kInputName ? kInput : find_layer(name);
      if (j == kInput && name != kInputName) {
        std::string known = "\"input\"";
        for (const auto& l : layers) known += ", " + l->name();
        throw ConfigError(describe(*layers[i]) + ": unknown input '" + name + "' (known: " + known + ")");
      }
      inputs[i].push_back(j);
    }
    const MergeLayer* merge = as_merge(*layers[i]);
    if (merge && inputs[i].size() < 2)
      throw ConfigError(describe(*layers[i]) + " is a merge layer and needs at least 2 inputs, \"inputs\" names " +
                        std::to_string(inputs[i].size()));
    if (!merge && inputs[i].size() != 1)
      throw ConfigError(describe(*layers[i]) + " takes one input but \"inputs\" names " +
                        std::to_string(inputs[i].size()) + "; join branches with a merge layer (add, concatenate, average)");
    for (int j : inputs[i])
      if (j != kInput) ++fan_out[j], ++pending[i], consumers[j].push_back(i);
  }
  order.clear();
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (pending[i] == 0) ready.insert(i);
  while (!ready.empty()) {
    const std::size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (std::size_t c : consumers[i])
      if (--pending[c] == 0) ready.insert(c);
  }
  if (order.size() < n) throw ConfigError("the layers form a cycle: " + cycle_text(layers, inputs, pending) +
                                         " (each feeds the next through \"inputs\")");
  if (!complete) return;
  for (std::size_t i = 0; i + 1 < n; ++i)
    if (fan_out[i] == 0)
      throw ConfigError(describe(*layers[i]) + ": an unused branch: no layer takes its output, and only the last layer ('" +
                        layers.back()->name() + "') is the model's output (name it in a later layer's \"inputs\" or remove it)");
}

// Builds layer i from its inputs' output shapes (they are built: i comes later in order).
void MyDeepLearning::Impl::build_node(std::size_t i) {
  if (in_shapes.size() < layers.size()) in_shapes.resize(layers.size()), out_shapes.resize(layers.size());
  auto shape_of = [&](int j) -> const Shape& { return j == kInput ? input_shape : out_shapes[j]; };
  MergeLayer* merge = as_merge(*layers[i]);
  if (!merge) {
    build_layer(i, shape_of(inputs[i][0]));
    return;
  }
  std::vector<Shape> shapes;
  for (int j : inputs[i]) shapes.push_back(shape_of(j));
  Shape out;
  try {
    out = merge->build_merge(shapes, rng);
    (void)checked_element_count(out, "output shape");
  } catch (const Error& e) {
    std::string from;
    for (std::size_t k = 0; k < shapes.size(); ++k)
      from += (k ? ", '" : "'") + (inputs[i][k] == kInput ? std::string(kInputName) : layers[inputs[i][k]]->name()) +
              "' " + shape_to_string(shapes[k]);
    throw ConfigError("layer " + std::to_string(i) + " '" + layers[i]->name() + "' (" + layers[i]->type() +
                      ") cannot join its inputs " + from + ": " + e.what());
  }
  in_shapes[i] = shapes[0];
  out_shapes[i] = out;
}

void MyDeepLearning::Impl::build_graph() {
  in_shapes.assign(layers.size(), {});
  out_shapes.assign(layers.size(), {});
  for (std::size_t i : order) build_node(i);
}

// The layer whose output the loss reads: the last, or the input of a fused final softmax.
std::size_t MyDeepLearning::Impl::loss_node() const {
  if (!fused) return layers.size() - 1;
  return static_cast<std::size_t>(inputs.back()[0]);
}

const Tensor& MyDeepLearning::Impl::graph_forward(const Tensor& x, std::size_t count, Mode mode,
                                                  const ActivationHook* hook) {
  outputs.assign(layers.size(), nullptr);
  const Tensor* last = &x;
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t i = order[k];
    Layer& l = *layers[i];
    const Tensor* in = nullptr;
    if (MergeLayer* merge = as_merge(l)) {
      merge_inputs.clear();
      for (int j : inputs[i]) merge_inputs.push_back(j == kInput ? &x : outputs[j]);
      outputs[i] = &merge->forward_merge(merge_inputs, mode);
      in = merge_inputs[0];
    } else {
      in = inputs[i][0] == kInput ? &x : outputs[inputs[i][0]];
      outputs[i] = &l.forward(*in, mode);
    }
    if (hook) (*hook)(i, l, *in, *outputs[i]);
    last = outputs[i];
  }
  return *last;
}

// Hands `grad` (dL/d(output of `node`) through one of its consumers) to the node: kept
// as is when the node feeds one layer, summed in a buffer of the model when it feeds more.
void MyDeepLearning::Impl::deliver_gradient(int node, const Tensor& grad) {
  if (node == kInput) return;  // nobody reads the input gradient
  if (fan_out[node] == 1) {
    grad_of[node] = &grad;
    return;
  }
  Tensor& sum = grad_sums[node];
  if (grads_received[node]++ == 0) {
    if (!std::equal(grad.shape().begin(), grad.shape().end(), sum.shape().begin(), sum.shape().end()))
      sum.resize(Shape(grad.shape().begin(), grad.shape().end()));
    std::copy(grad.data(), grad.data() + grad.size(), sum.data());
  } else {
    float* s = sum.data();
    const float* g = grad.data();
    for (std::size_t e = 0; e < sum.size(); ++e) s[e] += g[e];
  }
  grad_of[node] = &sum;
}

// Reverse execution order: every consumer of a layer runs its backward before the layer.
void MyDeepLearning::Impl::graph_backward(const Tensor& grad, std::size_t count) {
  grad_of.assign(layers.size(), nullptr);
  grads_received.assign(layers.size(), 0);
  grad_sums.resize(layers.size());
  grad_of[order[count - 1]] = &grad;
  for (std::size_t k = count; k-- > 0;) {
    const std::size_t i = order[k];
    const Tensor& g = *grad_of[i];  // set: every layer reaches the output (resolve_graph)
    if (MergeLayer* merge = as_merge(*layers[i])) {
      const std::vector<Tensor>& grads = merge->backward_merge(g);
      for (std::size_t c = 0; c < inputs[i].size(); ++c) deliver_gradient(inputs[i][c], grads[c]);
    } else {
      const int j = inputs[i][0];
      deliver_gradient(j, layers[i]->backward(g, j == kInput ? Gradients::params_only : Gradients::input_and_params));
    }
  }
}

}  // namespace glassbox
