// The graph walk: the model's input, each node through the operator table, the output, the
// class names, then the build and the parameters.
#include <algorithm>
#include <cctype>

#include "glassbox/error.h"
#include "glassbox/onnx/onnx_import.h"
#include "import_state.h"
#include "onnx_file.h"

namespace glassbox::onnx_io {

using nlohmann::json;

std::string node_label(const onnx::NodeProto& node) {
  return "node '" + (node.name().empty() ? node.output_size() ? node.output(0) : std::string("?") : node.name()) +
         "' (" + node.op_type() + ")";
}

void ImportState::fail(const onnx::NodeProto& node, const std::string& what) const {
  throw DataError(file + ": " + node_label(node) + ": " + what);
}

std::string ImportState::source(const onnx::NodeProto& node, const std::string& value) const {
  const auto it = producer.find(value);
  if (it != producer.end()) return it->second;
  if (is_constant(value))
    fail(node, "takes the constant '" + value + "' where glassbox needs a computed value (a layer's input)");
  fail(node, "its input '" + value + "' is neither the graph's input, an earlier node's output nor an initializer");
}

const onnx::TensorProto& ImportState::constant(const onnx::NodeProto& node, const std::string& value) const {
  const auto it = constants.find(value);
  if (it == constants.end())
    fail(node, "missing initializer '" + value + "' (glassbox needs this input as a constant in the file)");
  return *it->second;
}

namespace {

std::string printable(const std::string& text);

// A layer name from the node's name: PyTorch's module path without the operator
// ("/layer1/conv1/Conv" -> "layer1_conv1", "/Relu_1" -> "Relu_1"), made unique.
std::string layer_name(const onnx::NodeProto& node, const ImportState& s) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : node.name() + "/") {
    if (c != '/') { part += c; continue; }
    if (!part.empty()) parts.push_back(part);
    part.clear();
  }
  if (parts.size() > 1 && parts.back().rfind(node.op_type(), 0) == 0) parts.pop_back();
  std::string base;
  for (const auto& p : parts)
    for (const char c : (base.empty() ? "" : "_") + p) base += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  base.erase(0, base.find_first_not_of('_'));
  // A number (nn.Sequential's "/0/Conv") would read as a layer index where names or indices are taken.
  if (!base.empty() && std::all_of(base.begin(), base.end(), [](unsigned char c) { return std::isdigit(c); }))
    base = node.op_type() + "_" + base;
  if (base.empty() || base == MyDeepLearning::kInputName) base = node.op_type() + "_" + std::to_string(s.layers.size());
  std::string name = base;
  for (int k = 2; s.names.count(name); ++k) name = base + "_" + std::to_string(k);
  return name;
}

}  // namespace

PendingLayer& ImportState::add_layer(const onnx::NodeProto& node, json config, std::vector<std::string> inputs) {
  const std::string name = layer_name(node, *this);
  config["name"] = name;
  const std::string previous = layers.empty() ? MyDeepLearning::kInputName : layers.back().config["name"].get<std::string>();
  if (inputs.size() != 1 || inputs[0] != previous) config["inputs"] = inputs;
  names.insert(name);
  producer[node.output(0)] = name;
  PendingLayer layer;
  layer.config = std::move(config);
  layer.inputs = std::move(inputs);
  layer.node = node_label(node);
  layers.push_back(std::move(layer));
  return layers.back();
}

namespace {

// A second graph input: most often a weight stored outside the file (a missing initializer).
[[noreturn]] void refuse_second_input(const onnx::GraphProto& g, const ImportState& s, const std::string& first,
                                      const std::string& second) {
  for (const auto& node : g.node())
    for (int i = 1; i < node.input_size(); ++i)
      if (node.input(i) == second)
        s.fail(node, "missing initializer '" + second + "' (input " + std::to_string(i) +
                         " is a graph input, not a constant in the file; glassbox models take one input, '" + first + "')");
  throw DataError(s.file + ": the graph has several inputs ('" + first + "', '" + second + "'); glassbox models take one");
}

// The per-sample shape of the graph's one data input; registers it as "input".
Shape read_input(const onnx::GraphProto& g, ImportState& s) {
  const onnx::ValueInfoProto* input = nullptr;
  for (const auto& in : g.input()) {
    if (s.is_constant(in.name())) continue;
    if (input) refuse_second_input(g, s, input->name(), in.name());
    input = &in;
  }
  if (!input) throw DataError(s.file + ": the graph has no input");
  const std::string where = s.file + ": graph input '" + input->name() + "'";
  if (!input->type().has_tensor_type() || input->type().tensor_type().elem_type() != onnx::TensorProto::FLOAT)
    throw DataError(where + ": expected a FLOAT tensor");
  const auto& dims = input->type().tensor_type().shape().dim();
  if (dims.size() < 2) throw DataError(where + ": expected a shape (batch, ...) of rank 2 to 4, got rank " + std::to_string(dims.size()));
  Shape sample;
  for (int i = 1; i < dims.size(); ++i) {
    if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0)
      throw DataError(where + ": dimension " + std::to_string(i) + " is not a fixed size (only the batch axis may be symbolic)");
    sample.push_back(static_cast<std::size_t>(dims[i].dim_value()));
  }
  s.producer[input->name()] = MyDeepLearning::kInputName;
  return sample;
}

// The metadata entry "classes": a JSON list of names, or names separated by commas.
std::vector<std::string> read_class_names(const onnx::ModelProto& m, const std::string& file) {
  for (const auto& p : m.metadata_props()) {
    if (p.key() != "classes" && p.key() != "class_names") continue;
    if (printable(p.value()) != p.value())
      throw DataError(file + ": metadata '" + p.key() + "' is not UTF-8 text: expected a JSON list or comma-separated names");
    const json v = json::parse(p.value(), nullptr, false);
    if (v.is_array() && std::all_of(v.begin(), v.end(), [](const json& n) { return n.is_string(); }))
      return v.get<std::vector<std::string>>();
    std::vector<std::string> out;
    std::string item;
    for (const char c : p.value() + ",") {
      if (c != ',') { item += c; continue; }
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      if (item.empty()) throw DataError(file + ": metadata 'classes' has an empty name: expected a JSON list or comma-separated names");
      out.push_back(item);
      item.clear();
    }
    return out;
  }
  return {};
}

void check_output(const onnx::GraphProto& g, const ImportState& s) {
  if (g.output_size() != 1)
    throw DataError(s.file + ": the graph has " + std::to_string(g.output_size()) + " outputs; glassbox models have one");
  if (s.layers.empty()) throw DataError(s.file + ": the graph has no supported layer");
  const auto it = s.producer.find(g.output(0).name());
  const std::string last = s.layers.back().config["name"];
  if (it == s.producer.end() || it->second != last)
    throw DataError(s.file + ": the graph's output '" + g.output(0).name() + "' is not computed by its last node (" +
                    s.layers.back().node + "); glassbox models end in their last layer");
  for (std::size_t i = 0; i + 1 < s.layers.size(); ++i)
    if (s.layers[i].config["type"] == "softmax")
      throw DataError(s.file + ": " + s.layers[i].node + ": Softmax is supported only as the last node (the output activation)");
}

}  // namespace

bool is_onnx_path(const std::string& path) {
  if (path.size() < 5) return false;
  std::string ext = path.substr(path.size() - 5);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".onnx";
}

namespace {

// A message with the file's own names in it, made printable: control bytes and bytes that
// are not UTF-8 (names in a damaged file) become '?', so that the error stays one line of text.
std::string printable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool ok = len > 0 && i + len <= text.size() && (len > 1 || (c >= 0x20 && c != 0x7f));
    for (std::size_t k = 1; ok && k < len; ++k) ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    out += ok ? text.substr(i, len) : "?";
    i += ok ? len : 1;
  }
  return out;
}

MyDeepLearning read_model(const std::string& path, const Registry& registry);

}  // namespace

MyDeepLearning import_onnx(const std::string& path, const Registry& registry) {
  try {
    return read_model(path, registry);
  } catch (const DataError& e) {
    throw DataError(printable(e.what()));
  }
}

namespace {

MyDeepLearning read_model(const std::string& path, const Registry& registry) {
  const onnx::ModelProto proto = read_onnx_file(path);
  const onnx::GraphProto& g = proto.graph();
  ImportState s;
  s.file = path;
  for (const auto& t : g.initializer()) s.constants[t.name()] = &t;
  for (const auto& node : g.node())
    for (const auto& in : node.input()) ++s.consumers[in];
  for (const auto& out : g.output()) ++s.consumers[out.name()];
  const Shape input_shape = read_input(g, s);
  for (const auto& node : g.node()) import_node(node, s);
  check_output(g, s);
  MyDeepLearning model(registry);
  for (const auto& p : s.layers) {
    try {
      model.add(p.config);
    } catch (const ConfigError& e) {
      throw DataError(path + ": " + p.node + ": " + e.what());
    }
  }
  try {
    model.build(input_shape);
  } catch (const ConfigError& e) {
    throw DataError(path + ": the layers made from the graph do not fit together: " + e.what());
  }
  apply_params(s, model);
  try {
    model.set_class_names(read_class_names(proto, path));
  } catch (const ConfigError& e) {
    throw DataError(path + ": metadata 'classes': " + e.what());
  }
  return model;
}

}  // namespace

}  // namespace glassbox::onnx_io
