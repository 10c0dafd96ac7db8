// The operator table: each supported ONNX operator and the glassbox layer it becomes.
#include <algorithm>
#include <functional>
#include <map>

#include "glassbox/onnx/onnx_import.h"
#include "import_state.h"
#include "onnx_tensor.h"

namespace glassbox::onnx_io {

using nlohmann::json;

namespace {

using Handler = std::function<void(const onnx::NodeProto&, ImportState&)>;

// Refuses any attribute not in `known`.
void allow_attributes(const onnx::NodeProto& node, const ImportState& s, const std::vector<std::string>& known) {
  for (const auto& a : node.attribute())
    if (std::find(known.begin(), known.end(), a.name()) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      s.fail(node, "unsupported attribute '" + a.name() + "' (supported: " + (list.empty() ? "none" : list) + ")");
    }
}

std::int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, std::int64_t fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->i() : fallback;
}

float float_attribute(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const auto* a = find_attribute(node, name);
  return a ? a->f() : fallback;
}

std::vector<std::int64_t> ints_attribute(const onnx::NodeProto& node, const std::string& name) {
  const auto* a = find_attribute(node, name);
  if (!a) return {};
  return {a->ints().begin(), a->ints().end()};
}

// Requires the attribute, when present, to hold only `value`s (dilations 1, pads 0...).
void require_all(const onnx::NodeProto& node, const ImportState& s, const std::string& name, std::int64_t value,
                 const std::string& why) {
  for (const auto v : ints_attribute(node, name))
    if (v != value) s.fail(node, "attribute " + name + " = " + dims_text(ints_attribute(node, name)) + " is not supported (" + why + ")");
}

void require_int(const onnx::NodeProto& node, const ImportState& s, const std::string& name, std::int64_t value,
                 std::int64_t fallback, const std::string& why) {
  if (int_attribute(node, name, fallback) != value)
    s.fail(node, "attribute " + name + " = " + std::to_string(int_attribute(node, name, fallback)) +
                     " is not supported (" + why + ")");
}

void require_inputs(const onnx::NodeProto& node, const ImportState& s, int lo, int hi) {
  if (node.input_size() < lo || node.input_size() > hi)
    s.fail(node, "has " + std::to_string(node.input_size()) + " inputs, expected " + std::to_string(lo) +
                     (lo == hi ? "" : " to " + std::to_string(hi)));
  if (node.output_size() < 1) s.fail(node, "has no output");
}

// The spatial pair of a 2-D window attribute (kernel_shape, strides) or `fallback`.
json window_pair(const onnx::NodeProto& node, const ImportState& s, const std::string& name, std::int64_t fallback) {
  auto v = ints_attribute(node, name);
  if (v.empty()) v = {fallback, fallback};
  if (v.size() != 2) s.fail(node, "attribute " + name + " = " + dims_text(v) + ": only 2-D (height, width) is supported");
  return json::array({v[0], v[1]});
}

void auto_pad_valid(const onnx::NodeProto& node, const ImportState& s) {
  const auto* a = find_attribute(node, "auto_pad");
  if (a && a->s() != "NOTSET" && a->s() != "VALID")
    s.fail(node, "auto_pad '" + a->s() + "' is not supported here (supported: NOTSET with zero pads, VALID)");
}

void conv(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 2, 3);
  allow_attributes(node, s, {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  require_all(node, s, "dilations", 1, "only dilation 1");
  require_int(node, s, "group", 1, 1, "only group 1: no grouped or depthwise convolution");
  const auto& w_proto = s.constant(node, node.input(1));
  ImportedParam w{ParamRole::weight, float_values(w_proto, s.file + ": " + node_label(node) + ": initializer '" + node.input(1) + "'"), node.input(1)};
  if (w.value.dimension() != 4)
    s.fail(node, "initializer '" + node.input(1) + "' has shape " + shape_to_string(shape_of(w.value)) +
                     ", expected a 2-D convolution weight (out, in, kh, kw)");
  const json kernel = {w.value.shape(2), w.value.shape(3)};
  if (find_attribute(node, "kernel_shape") && window_pair(node, s, "kernel_shape", 1) != kernel)
    s.fail(node, "kernel_shape " + window_pair(node, s, "kernel_shape", 1).dump() + " does not match the weight '" +
                     node.input(1) + "' of shape " + shape_to_string(shape_of(w.value)));
  std::string padding = "valid";
  std::vector<std::int64_t> pads = ints_attribute(node, "pads");
  const auto* auto_pad = find_attribute(node, "auto_pad");
  if (auto_pad && auto_pad->s() == "SAME_UPPER") padding = "same";
  else if (auto_pad && auto_pad->s() != "NOTSET" && auto_pad->s() != "VALID")
    s.fail(node, "auto_pad '" + auto_pad->s() + "' is not supported (supported: NOTSET, VALID, SAME_UPPER)");
  if (std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p != 0; })) padding = "same";
  json config = {{"type", "conv2d"}, {"filters", w.value.shape(0)}, {"kernel_size", kernel},
                 {"strides", window_pair(node, s, "strides", 1)}, {"padding", padding},
                 {"use_bias", node.input_size() == 3 && !node.input(2).empty()}};
  auto& layer = s.add_layer(node, config, {s.source(node, node.input(0))});
  layer.conv_pads = pads;
  layer.params.push_back(std::move(w));
  if (config["use_bias"].get<bool>())
    layer.params.push_back({ParamRole::bias, float_values(s.constant(node, node.input(2)), s.file + ": " + node_label(node) + ": initializer '" + node.input(2) + "'"), node.input(2)});
}

void pool(const onnx::NodeProto& node, ImportState& s, const std::string& type) {
  require_inputs(node, s, 1, 1);
  if (node.output_size() > 1 && !node.output(1).empty()) s.fail(node, "the Indices output is not supported");
  if (type == "max_pool2d")
    allow_attributes(node, s, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  else
    allow_attributes(node, s, {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  auto_pad_valid(node, s);
  require_int(node, s, "ceil_mode", 0, 0, "only ceil_mode 0: glassbox's pooling rounds down");
  require_all(node, s, "pads", 0, "pooling without padding only");
  require_all(node, s, "dilations", 1, "only dilation 1");
  if (!find_attribute(node, "kernel_shape")) s.fail(node, "has no kernel_shape");
  const json kernel = window_pair(node, s, "kernel_shape", 1);
  const json strides = find_attribute(node, "strides") ? window_pair(node, s, "strides", 1) : kernel;
  s.add_layer(node, {{"type", type}, {"pool_size", kernel}, {"strides", strides}}, {s.source(node, node.input(0))});
}

// Relu, Sigmoid, Tanh, GlobalAveragePool, Flatten: one input, one layer, no options.
Handler simple(const std::string& type, std::vector<std::string> attributes = {}) {
  return [type, attributes](const onnx::NodeProto& node, ImportState& s) {
    require_inputs(node, s, 1, 1);
    allow_attributes(node, s, attributes);
    s.add_layer(node, {{"type", type}}, {s.source(node, node.input(0))});
  };
}

void leaky_relu(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 1, 1);
  allow_attributes(node, s, {"alpha"});
  s.add_layer(node, {{"type", "leaky_relu"}, {"alpha", float_attribute(node, "alpha", 0.01f)}}, {s.source(node, node.input(0))});
}

void flatten(const onnx::NodeProto& node, ImportState& s) {
  allow_attributes(node, s, {"axis"});
  require_int(node, s, "axis", 1, 1, "only axis 1: (batch, features)");
  simple("flatten", {"axis"})(node, s);
}

void reshape(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 2, 2);
  allow_attributes(node, s, {"allowzero"});
  if (!s.is_constant(node.input(1)))
    s.fail(node, "the shape '" + node.input(1) + "' is computed in the graph; only a constant shape is supported "
                 "(in PyTorch use torch.flatten(x, 1) or x.reshape(N, -1) with a fixed size)");
  const auto shape = int64_values(s.constant(node, node.input(1)), s.file + ": " + node_label(node) + ": shape");
  if (shape.size() != 2 || shape[1] == 0 || shape[1] < -1)
    s.fail(node, "reshape to " + dims_text(shape) + ": only a reshape to 2-D (batch, features) is supported");
  auto& layer = s.add_layer(node, {{"type", "flatten"}}, {s.source(node, node.input(0))});
  layer.flat_size = shape[1];
}

void batch_norm(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 5, 5);
  if (node.output_size() > 1) s.fail(node, "training outputs (running mean and variance) are not supported: export in eval mode");
  allow_attributes(node, s, {"epsilon", "momentum", "training_mode", "spatial"});
  require_int(node, s, "training_mode", 0, 0, "inference only: export the model in eval mode");
  auto& layer = s.add_layer(node, {{"type", "batch_normalization"}, {"epsilon", float_attribute(node, "epsilon", 1e-5f)}},
                            {s.source(node, node.input(0))});
  const ParamRole roles[] = {ParamRole::scale, ParamRole::shift, ParamRole::running_mean, ParamRole::running_variance};
  for (int i = 0; i < 4; ++i)
    layer.params.push_back({roles[i], float_values(s.constant(node, node.input(i + 1)), s.file + ": " + node_label(node) + ": initializer '" + node.input(i + 1) + "'"), node.input(i + 1)});
}

// Gemm (A B^T + C, PyTorch's Linear) and MatMul (A B): a dense layer.
void dense(const onnx::NodeProto& node, ImportState& s, bool gemm) {
  require_inputs(node, s, 2, gemm ? 3 : 2);
  if (gemm) {
    allow_attributes(node, s, {"alpha", "beta", "transA", "transB"});
    if (float_attribute(node, "alpha", 1) != 1.0f || float_attribute(node, "beta", 1) != 1.0f)
      s.fail(node, "alpha and beta other than 1 are not supported");
    require_int(node, s, "transA", 0, 0, "the input is (batch, features)");
  } else {
    allow_attributes(node, s, {});
  }
  const bool trans_b = gemm && int_attribute(node, "transB", 0) != 0;
  const std::string where = s.file + ": " + node_label(node) + ": initializer '" + node.input(1) + "'";
  Tensor b = float_values(s.constant(node, node.input(1)), where);
  if (b.dimension() != 2)
    s.fail(node, "initializer '" + node.input(1) + "' has shape " + shape_to_string(shape_of(b)) + ", expected a 2-D weight");
  ImportedParam kernel{ParamRole::weight, trans_b ? Tensor(xt::transpose(b)) : b, node.input(1), trans_b};
  const bool bias = gemm && node.input_size() == 3 && !node.input(2).empty();
  json config = {{"type", "dense"}, {"units", kernel.value.shape(1)}, {"use_bias", bias}};
  auto& layer = s.add_layer(node, config, {s.source(node, node.input(0))});
  layer.params.push_back(std::move(kernel));
  if (bias) {
    Tensor c = float_values(s.constant(node, node.input(2)), s.file + ": " + node_label(node) + ": initializer '" + node.input(2) + "'");
    layer.params.push_back({ParamRole::bias, c.reshape({c.size()}), node.input(2)});
  }
  layer.open_bias = !gemm;
}

// Add: of two branches, a merge layer; of a MatMul's output and a constant, its bias.
void add(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 2, 2);
  allow_attributes(node, s, {});
  const int constant = s.is_constant(node.input(0)) ? 0 : s.is_constant(node.input(1)) ? 1 : -1;
  if (constant < 0) {
    s.add_layer(node, {{"type", "add"}}, {s.source(node, node.input(0)), s.source(node, node.input(1))});
    return;
  }
  const std::string other = s.source(node, node.input(1 - constant));
  PendingLayer* dense = s.layers.empty() ? nullptr : &s.layers.back();
  if (!dense || dense->config["name"] != other || !dense->open_bias)
    s.fail(node, "adds the constant '" + node.input(constant) + "'; a constant is supported only as the bias right after a MatMul");
  if (s.consumers[node.input(1 - constant)] != 1)
    s.fail(node, "adds a bias to the MatMul output '" + node.input(1 - constant) +
                     "', which other nodes also take; supported only when this Add is its one consumer");
  Tensor c = float_values(s.constant(node, node.input(constant)), s.file + ": " + node_label(node) + ": initializer '" + node.input(constant) + "'");
  dense->config["use_bias"] = true;
  dense->params.push_back({ParamRole::bias, c.reshape({c.size()}), node.input(constant)});
  dense->open_bias = false;
  s.producer[node.output(0)] = other;
}

void merge(const onnx::NodeProto& node, ImportState& s, const std::string& type) {
  if (node.input_size() < 2) s.fail(node, "needs 2 or more inputs");
  allow_attributes(node, s, type == "concatenate" ? std::vector<std::string>{"axis"} : std::vector<std::string>{});
  std::vector<std::string> inputs;
  for (const auto& in : node.input()) inputs.push_back(s.source(node, in));
  json config = {{"type", type}};
  if (type == "concatenate") {
    const std::int64_t axis = int_attribute(node, "axis", 1);
    if (axis == 0) s.fail(node, "concatenation along the batch axis (0) is not supported");
    config["axis"] = axis;
  }
  s.add_layer(node, config, inputs);
}

void softmax(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 1, 1);
  allow_attributes(node, s, {"axis"});
  const std::int64_t axis = int_attribute(node, "axis", -1);
  if (axis != -1 && axis != 1) s.fail(node, "axis " + std::to_string(axis) + ": only the class axis (1 or -1) of (batch, classes) is supported");
  s.add_layer(node, {{"type", "softmax"}}, {s.source(node, node.input(0))});
}

// Dropout and Identity: no layer; the output is the input.
void pass_through(const onnx::NodeProto& node, ImportState& s) {
  if (node.input_size() < 1) s.fail(node, "has no input");
  if (node.op_type() == "Identity" && s.is_constant(node.input(0))) {  // a shared initializer under a 2nd name
    s.constants[node.output(0)] = &s.constant(node, node.input(0));
    return;
  }
  allow_attributes(node, s, {"seed", "ratio", "is_test"});
  for (int i = 1; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !s.is_constant(node.input(i)))
      s.fail(node, "a computed ratio or training_mode is not supported (export in eval mode)");
  s.producer[node.output(0)] = s.source(node, node.input(0));
}

// Pad by zeros everywhere (PyTorch writes one before an AvgPool2d): no layer.
void zero_pad(const onnx::NodeProto& node, ImportState& s) {
  require_inputs(node, s, 1, 3);
  allow_attributes(node, s, {"mode", "pads"});
  std::vector<std::int64_t> pads = ints_attribute(node, "pads");
  if (node.input_size() >= 2 && !node.input(1).empty())
    pads = int64_values(s.constant(node, node.input(1)), s.file + ": " + node_label(node) + ": pads");
  if (std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p != 0; }))
    s.fail(node, "pads " + dims_text(pads) + " are not supported: only a Pad of zero width (padding belongs in the Conv's pads)");
  s.producer[node.output(0)] = s.source(node, node.input(0));
}

void constant(const onnx::NodeProto& node, ImportState& s) {
  allow_attributes(node, s, {"value"});
  const auto* v = find_attribute(node, "value");
  if (!v || !v->has_t()) s.fail(node, "only a tensor 'value' is supported");
  s.constant_nodes.push_back(v->t());
  s.constant_nodes.back().set_name(node.output(0));
  s.constants[node.output(0)] = &s.constant_nodes.back();
}

const std::map<std::string, Handler>& handlers() {
  static const std::map<std::string, Handler> table = {
      {"Gemm", [](const auto& n, auto& s) { dense(n, s, true); }},
      {"MatMul", [](const auto& n, auto& s) { dense(n, s, false); }},
      {"Conv", conv},
      {"MaxPool", [](const auto& n, auto& s) { pool(n, s, "max_pool2d"); }},
      {"AveragePool", [](const auto& n, auto& s) { pool(n, s, "avg_pool2d"); }},
      {"GlobalAveragePool", simple("global_avg_pool2d")},
      {"Relu", simple("relu")},
      {"LeakyRelu", leaky_relu},
      {"Sigmoid", simple("sigmoid")},
      {"Tanh", simple("tanh")},
      {"Flatten", flatten},
      {"Reshape", reshape},
      {"BatchNormalization", batch_norm},
      {"Add", add},
      {"Sum", [](const auto& n, auto& s) { merge(n, s, "add"); }},
      {"Mean", [](const auto& n, auto& s) { merge(n, s, "average"); }},
      {"Concat", [](const auto& n, auto& s) { merge(n, s, "concatenate"); }},
      {"Softmax", softmax},
      {"Dropout", pass_through},
      {"Identity", pass_through},
      {"Constant", constant},
      {"Pad", zero_pad},
  };
  return table;
}

}  // namespace

std::string supported_operators() {
  std::string out;
  for (const auto& entry : handlers()) out += (out.empty() ? "" : ", ") + entry.first;
  return out;
}

void import_node(const onnx::NodeProto& node, ImportState& state) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    state.fail(node, "operator of domain '" + node.domain() + "' is not supported (only the default ONNX domain)");
  const auto it = handlers().find(node.op_type());
  if (it == handlers().end()) {
    const bool shape_arithmetic = node.op_type() == "Shape" || node.op_type() == "Gather" || node.op_type() == "Unsqueeze";
    state.fail(node, "unsupported operator (supported: " + supported_operators() + ")" +
                         (shape_arithmetic ? "; a shape computed in the graph, as x.view(x.size(0), -1) exports, "
                                             "is not supported: use torch.flatten(x, 1)" : ""));
  }
  it->second(node, state);
}

}  // namespace glassbox::onnx_io
