// The model proto: opset 13, the input "input" (symbolic batch "N"), the output "output",
// one node group per layer in execution order, the class names; checked, then written.
#include <onnx/checker.h>

#include "glassbox/error.h"
#include "glassbox/onnx/onnx_export.h"
#include "glassbox/version.h"
#include "export_state.h"
#include "onnx_file.h"

namespace glassbox::onnx_io {

namespace {

constexpr std::int64_t kOpset = 13;
constexpr std::int64_t kIrVersion = 7;  // the IR version of opset 13 (ONNX 1.8)

void value_info(onnx::ValueInfoProto& v, const std::string& name, const Shape& sample) {
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  t->mutable_shape()->add_dim()->set_dim_param("N");
  for (const auto d : sample) t->mutable_shape()->add_dim()->set_dim_value(static_cast<std::int64_t>(d));
}

// The ONNX value holding layer i's output: "output" for the last layer, else its name.
std::string value_of(const MyDeepLearning& m, int i) {
  if (i == MyDeepLearning::kModelInput) return "input";
  if (static_cast<std::size_t>(i) + 1 == m.size()) return "output";
  return m.layer(static_cast<std::size_t>(i)).name();
}

onnx::ModelProto model_proto(const MyDeepLearning& m) {
  onnx::ModelProto proto;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("glassbox");
  proto.set_producer_version(GLASSBOX_VERSION);
  auto* opset = proto.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  onnx::GraphProto* g = proto.mutable_graph();
  g->set_name("glassbox_model");
  value_info(*g->add_input(), "input", m.input_shape());
  value_info(*g->add_output(), "output", m.output_shape());
  ExportState s{g, &m};
  for (const std::size_t i : m.execution_order()) {
    std::vector<std::string> inputs;
    for (const int j : m.layer_inputs(i)) inputs.push_back(value_of(m, j));
    export_layer(i, inputs, value_of(m, static_cast<int>(i)), s);
  }
  if (!m.class_names().empty()) {
    auto* p = proto.add_metadata_props();
    p->set_key("classes");
    p->set_value(nlohmann::json(m.class_names()).dump());
  }
  return proto;
}

}  // namespace

void export_onnx(const MyDeepLearning& model, const std::string& path) {
  if (!model.built()) throw ConfigError("export: the model is not built");
  if (model.size() == 0) throw ConfigError("export: the model has no layers");
  const onnx::ModelProto proto = model_proto(model);
  try {
    onnx::checker::check_model(proto);
  } catch (const std::exception& e) {
    throw Error(path + ": the exported model fails the ONNX checker (a glassbox bug; please report it): " + e.what());
  }
  write_onnx_file(proto, path);
}

}  // namespace glassbox::onnx_io
