#pragma once
// ONNX export: a glassbox model (sequential or graph) as an ONNX file of opset 13 that
// passes the ONNX checker and opens in Netron or any ONNX runtime.
//
//   glassbox::onnx_io::export_onnx(model, "model.onnx");
//
// The graph's input is "input" (N, sample shape...) with a symbolic batch axis "N", its
// output "output"; the model's class names, when it has them, go into the metadata entry
// "classes" (a JSON list). Each layer becomes its node(s), named after the layer, with its
// parameters as initializers "<layer>.<param>": dense -> Gemm (kernel (in, out) as B),
// conv2d -> Conv (explicit pads for "same"), fused activations -> a node after it,
// global_avg_pool2d -> GlobalAveragePool + Flatten, dropout and linear -> Identity, add ->
// Add (Sum for more than two inputs), average -> Mean, concatenate -> Concat.
#include <string>

#include "glassbox/model.h"

namespace glassbox::onnx_io {

// requires: model built.
// ensures: `path` holds the complete ONNX file, or (on an error) is untouched: the file is
// written next to it and renamed into place. Throws ConfigError naming a layer whose type or
// option has no ONNX form, Error when the file cannot be written.
void export_onnx(const MyDeepLearning& model, const std::string& path);

}  // namespace glassbox::onnx_io
