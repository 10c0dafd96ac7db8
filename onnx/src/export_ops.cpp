// The layer table: each glassbox layer type and the ONNX nodes (opset 13) it becomes.
#include <functional>
#include <map>

#include "glassbox/error.h"
#include "export_state.h"
#include "onnx_tensor.h"

namespace glassbox::onnx_io {

using nlohmann::json;

onnx::NodeProto& ExportState::node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                                   const std::string& output) {
  onnx::NodeProto& n = *graph->add_node();
  n.set_op_type(op);
  n.set_name(name);
  for (const auto& in : inputs) n.add_input(in);
  n.add_output(output);
  return n;
}

std::string ExportState::initializer(const std::string& layer, const std::string& param, const Tensor& value) {
  const std::string name = layer + "." + param;
  set_float_tensor(*graph->add_initializer(), name, value);
  return name;
}

std::string ExportState::int64_initializer(const std::string& name, const std::vector<std::int64_t>& values) {
  set_int64_tensor(*graph->add_initializer(), name, values);
  return name;
}

namespace {

struct LayerView {
  std::size_t index;
  const Layer& layer;
  json config;
  const std::vector<std::string>& inputs;
  const std::string& output;
};

using Writer = std::function<void(const LayerView&, ExportState&)>;

void ints(onnx::NodeProto& n, const std::string& name, const std::vector<std::int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (const auto x : v) a->add_ints(x);
}

void scalar(onnx::NodeProto& n, const std::string& name, std::int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void real(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

// A config's "n or [h, w]" as {h, w}.
std::vector<std::int64_t> pair_of(const json& v) {
  if (v.is_array()) return {v[0].get<std::int64_t>(), v[1].get<std::int64_t>()};
  return {v.get<std::int64_t>(), v.get<std::int64_t>()};
}

// The parameter of `role`, or null.
const Tensor* param(const Layer& layer, ParamRole role) {
  for (const auto& p : layer.params())
    if (p.role == role) return p.value;
  return nullptr;
}

std::string param_name(const Layer& layer, ParamRole role) {
  for (const auto& p : layer.params())
    if (p.role == role) return p.name;
  return "";
}

// The node for a fused activation after the affine node (none for linear).
void activation_node(const LayerView& v, Activation a, const std::string& in, ExportState& s) {
  const std::string name = v.layer.name() + "_" + to_string(a);
  switch (a) {
    case Activation::linear: s.node("Identity", name, {in}, v.output); return;
    case Activation::relu: s.node("Relu", name, {in}, v.output); return;
    case Activation::sigmoid: s.node("Sigmoid", name, {in}, v.output); return;
    case Activation::tanh: s.node("Tanh", name, {in}, v.output); return;
    case Activation::softmax: scalar(s.node("Softmax", name, {in}, v.output), "axis", -1); return;
    case Activation::leaky_relu:
      real(s.node("LeakyRelu", name, {in}, v.output), "alpha", v.config.value("alpha", 0.01f));
      return;
    default: throw ConfigError("layer '" + v.layer.name() + "': activation '" + to_string(a) + "' has no ONNX form here");
  }
}

// The affine node, then the fused activation when there is one.
void affine_then_activation(const LayerView& v, ExportState& s, const std::function<void(const std::string&)>& affine) {
  const Activation a = v.layer.activation();
  if (a == Activation::linear) return affine(v.output);
  const std::string z = v.layer.name() + "_linear";
  affine(z);
  activation_node(v, a, z, s);
}

void dense(const LayerView& v, ExportState& s) {
  affine_then_activation(v, s, [&](const std::string& out) {
    std::vector<std::string> in = {v.inputs[0], s.initializer(v.layer.name(), param_name(v.layer, ParamRole::weight),
                                                              *param(v.layer, ParamRole::weight))};
    if (const Tensor* b = param(v.layer, ParamRole::bias)) in.push_back(s.initializer(v.layer.name(), param_name(v.layer, ParamRole::bias), *b));
    s.node("Gemm", v.layer.name(), in, out);
  });
}

// The explicit pads of padding "same" (TensorFlow's split, the odd one at the end).
std::vector<std::int64_t> same_pads(const Shape& in, const std::vector<std::int64_t>& k, const std::vector<std::int64_t>& st) {
  std::vector<std::int64_t> begin, end;
  for (int a = 0; a < 2; ++a) {
    const auto n = static_cast<std::int64_t>(in[1 + a]);
    const std::int64_t out = (n + st[a] - 1) / st[a];
    const std::int64_t total = std::max<std::int64_t>((out - 1) * st[a] + k[a] - n, 0);
    begin.push_back(total / 2);
    end.push_back(total - total / 2);
  }
  return {begin[0], begin[1], end[0], end[1]};
}

void conv(const LayerView& v, ExportState& s) {
  const auto k = pair_of(v.config.at("kernel_size"));
  const auto st = pair_of(v.config.value("strides", json(1)));
  const bool same = v.config.value("padding", "valid") == "same";
  affine_then_activation(v, s, [&](const std::string& out) {
    std::vector<std::string> in = {v.inputs[0], s.initializer(v.layer.name(), param_name(v.layer, ParamRole::weight),
                                                              *param(v.layer, ParamRole::weight))};
    if (const Tensor* b = param(v.layer, ParamRole::bias)) in.push_back(s.initializer(v.layer.name(), param_name(v.layer, ParamRole::bias), *b));
    auto& n = s.node("Conv", v.layer.name(), in, out);
    ints(n, "kernel_shape", k);
    ints(n, "strides", st);
    ints(n, "pads", same ? same_pads(s.model->layer_input_shape(v.index), k, st) : std::vector<std::int64_t>{0, 0, 0, 0});
  });
}

Writer pool(const std::string& op) {
  return [op](const LayerView& v, ExportState& s) {
    const auto k = pair_of(v.config.at("pool_size"));
    auto& n = s.node(op, v.layer.name(), {v.inputs[0]}, v.output);
    ints(n, "kernel_shape", k);
    ints(n, "strides", v.config.contains("strides") && !v.config["strides"].is_null() ? pair_of(v.config["strides"]) : k);
  };
}

void global_avg_pool(const LayerView& v, ExportState& s) {
  const std::string pooled = v.layer.name() + "_pooled";
  s.node("GlobalAveragePool", v.layer.name(), {v.inputs[0]}, pooled);
  scalar(s.node("Flatten", v.layer.name() + "_flatten", {pooled}, v.output), "axis", 1);
}

void batch_norm(const LayerView& v, ExportState& s) {
  std::vector<std::string> in = {v.inputs[0]};
  for (const ParamRole r : {ParamRole::scale, ParamRole::shift, ParamRole::running_mean, ParamRole::running_variance}) {
    if (!param(v.layer, r)) throw ConfigError("layer '" + v.layer.name() + "' (batch_normalization): no " + to_string(r) + " parameter");
    in.push_back(s.initializer(v.layer.name(), param_name(v.layer, r), *param(v.layer, r)));
  }
  real(s.node("BatchNormalization", v.layer.name(), in, v.output), "epsilon", v.config.value("epsilon", 1e-3f));
}

void reshape(const LayerView& v, ExportState& s) {
  std::vector<std::int64_t> shape = {0};
  for (const auto d : s.model->layer_output_shape(v.index)) shape.push_back(static_cast<std::int64_t>(d));
  s.node("Reshape", v.layer.name(), {v.inputs[0], s.int64_initializer(v.layer.name() + ".shape", shape)}, v.output);
}

Writer plain(const std::string& op) {
  return [op](const LayerView& v, ExportState& s) { s.node(op, v.layer.name(), v.inputs, v.output); };
}

void add(const LayerView& v, ExportState& s) { s.node(v.inputs.size() == 2 ? "Add" : "Sum", v.layer.name(), v.inputs, v.output); }

const std::map<std::string, Writer>& writers() {
  static const std::map<std::string, Writer> table = {
      {"dense", dense},
      {"conv2d", conv},
      {"max_pool2d", pool("MaxPool")},
      {"avg_pool2d", pool("AveragePool")},
      {"global_avg_pool2d", global_avg_pool},
      {"batch_normalization", batch_norm},
      {"flatten", [](const LayerView& v, ExportState& s) { scalar(s.node("Flatten", v.layer.name(), v.inputs, v.output), "axis", 1); }},
      {"reshape", reshape},
      {"dropout", plain("Identity")},
      {"linear", plain("Identity")},
      {"relu", plain("Relu")},
      {"sigmoid", plain("Sigmoid")},
      {"tanh", plain("Tanh")},
      {"leaky_relu", [](const LayerView& v, ExportState& s) { activation_node(v, Activation::leaky_relu, v.inputs[0], s); }},
      {"softmax", [](const LayerView& v, ExportState& s) { scalar(s.node("Softmax", v.layer.name(), v.inputs, v.output), "axis", -1); }},
      {"add", add},
      {"average", plain("Mean")},
      {"concatenate", [](const LayerView& v, ExportState& s) { scalar(s.node("Concat", v.layer.name(), v.inputs, v.output), "axis", v.config.value("axis", 1)); }},
  };
  return table;
}

}  // namespace

std::string exportable_types() {
  std::string out;
  for (const auto& entry : writers()) out += (out.empty() ? "" : ", ") + entry.first;
  return out;
}

void export_layer(std::size_t index, const std::vector<std::string>& inputs, const std::string& output, ExportState& s) {
  const Layer& layer = s.model->layer(index);
  const auto it = writers().find(layer.type());
  if (it == writers().end())
    throw ConfigError("layer '" + layer.name() + "' (" + layer.type() + "): no ONNX form (exportable layer types: " +
                      exportable_types() + ")");
  it->second(LayerView{index, layer, layer.config(), inputs, output}, s);
}

}  // namespace glassbox::onnx_io
