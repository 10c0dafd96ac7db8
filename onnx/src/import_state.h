#pragma once
// What the graph walk (graph_reader.cpp) and the operator table (import_ops.cpp) share while
// an ONNX graph becomes glassbox layers.
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <onnx/onnx_pb.h>

#include "glassbox/layer.h"
#include "glassbox/model.h"
#include "glassbox/tensor.h"

namespace glassbox::onnx_io {

// One parameter taken from an initializer, for the layer's parameter of `role`.
struct ImportedParam {
  ParamRole role;
  Tensor value;            // already in glassbox's layout
  std::string initializer; // its ONNX name, for messages
  bool transposed = false; // value is the initializer transposed (a Gemm's B with transB = 1)
};

// A layer made from one node (or two: MatMul + Add), before the model is built.
struct PendingLayer {
  nlohmann::json config;               // {"type", "name", options..., "inputs"?}
  std::vector<std::string> inputs;     // glassbox names of the layers it takes ("input": the model's)
  std::vector<ImportedParam> params;
  std::string node;                    // "node '/conv1/Conv' (Conv)", for messages
  std::vector<std::int64_t> conv_pads; // Conv: the explicit pads, checked once shapes are known
  std::int64_t flat_size = -1;         // Reshape: the feature count it asked for (-1: any)
  bool open_bias = false;              // MatMul: a following Add of a constant is its bias
};

struct ImportState {
  std::string file;
  std::map<std::string, const onnx::TensorProto*> constants;  // initializers and Constant nodes
  std::deque<onnx::TensorProto> constant_nodes;                // the values of Constant nodes (stable addresses)
  std::map<std::string, std::string> producer;                 // ONNX value -> glassbox layer ("input")
  std::map<std::string, int> consumers;                        // ONNX value -> how many node inputs take it
  std::vector<PendingLayer> layers;
  std::set<std::string> names;

  // "file: node 'x' (Op): what" as a DataError.
  [[noreturn]] void fail(const onnx::NodeProto& node, const std::string& what) const;
  // The glassbox layer computing ONNX value `value`; fails when it is unknown or a constant.
  std::string source(const onnx::NodeProto& node, const std::string& value) const;
  // The constant `value` (initializer or Constant node); fails when it is missing.
  const onnx::TensorProto& constant(const onnx::NodeProto& node, const std::string& value) const;
  bool is_constant(const std::string& value) const { return constants.count(value) > 0; }
  // Adds a layer for `node` taking the layers `inputs`; its output is the node's first output.
  PendingLayer& add_layer(const onnx::NodeProto& node, nlohmann::json config, std::vector<std::string> inputs);
};

// Converts one node (the operator table). Fails through state.fail for an unsupported
// operator, attribute or input.
void import_node(const onnx::NodeProto& node, ImportState& state);

// "node '/conv1/Conv' (Conv)".
std::string node_label(const onnx::NodeProto& node);

// requires: `model` built from state.layers (same names). ensures: every layer's parameters
// hold their initializers; the Conv pads and Reshape sizes agree with the built shapes.
// Fails naming the node for a parameter with no initializer or one of another shape.
void apply_params(const ImportState& state, MyDeepLearning& model);

}  // namespace glassbox::onnx_io
