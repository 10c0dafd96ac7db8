#pragma once
// What the model proto writer (export_writer.cpp) and the layer table (export_ops.cpp) share.
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "glassbox/model.h"

namespace glassbox::onnx_io {

struct ExportState {
  onnx::GraphProto* graph = nullptr;
  const MyDeepLearning* model = nullptr;

  // Adds a node `op` named `name` from `inputs` to `output`; returns it for attributes.
  onnx::NodeProto& node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                        const std::string& output);
  // Adds the initializer "<layer>.<param>" and returns its name.
  std::string initializer(const std::string& layer, const std::string& param, const Tensor& value);
  std::string int64_initializer(const std::string& name, const std::vector<std::int64_t>& values);
};

// Writes layer `index`'s node(s): they read the values `inputs` and the last one writes
// `output`. ConfigError naming the layer when its type or options have no ONNX form here.
void export_layer(std::size_t index, const std::vector<std::string>& inputs, const std::string& output, ExportState& s);

// The layer types export_layer knows, for messages.
std::string exportable_types();

}  // namespace glassbox::onnx_io
