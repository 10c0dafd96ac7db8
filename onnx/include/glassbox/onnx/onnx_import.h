#pragma once
// ONNX import: an ONNX file (a network trained in PyTorch, Keras, ...) as a glassbox model.
//
//   glassbox::MyDeepLearning model = glassbox::onnx_io::import_onnx("net.onnx", registry);
//   model.save("net-model");  // a model folder, as the driver's `glassbox import` writes
//
// Supported operators (one node -> one layer unless said): Gemm, MatMul (+ a following Add
// of a constant: the dense layer's bias), Conv (2-D, group 1, dilation 1, pads none or
// TensorFlow's "same" split), MaxPool, AveragePool (no padding, ceil_mode 0),
// GlobalAveragePool, Relu, LeakyRelu, Sigmoid, Tanh, Flatten (axis 1), Reshape to 2-D (batch,
// features) with a constant shape, BatchNormalization (inference), Add / Sum of two or more
// branches, Concat, Dropout and Identity (no layer), Constant, and Softmax as the last node
// (the output activation; explanations use the logit). The input shape is the graph's one
// non-initializer input without its batch axis; class names come from the metadata entry
// "classes" (a JSON list of names or comma-separated names) when present.
//
// Tensor layouts: ONNX and glassbox images are both NCHW and Conv weights (out, in, kh, kw)
// in both; a Gemm's weight with transB = 1 (PyTorch's Linear, (out, in)) is transposed
// into the dense kernel (in, out).
//
// Errors (DataError) name the file and, for a node, its name and operator and what is
// supported: `net.onnx: node '/pool/LpPool' (LpPool): unsupported operator (supported: ...)`.
// A file that is not ONNX, is truncated or fails the ONNX checker, a missing initializer, an
// initializer whose shape does not fit the layer are errors of the same form.
#include <string>

#include "glassbox/model.h"
#include "glassbox/registry.h"

namespace glassbox::onnx_io {

// True when `path` names an ONNX file by its extension (".onnx", any case).
bool is_onnx_path(const std::string& path);

// requires: `registry` holds the built-in layers (the glassbox_layers plugin).
// ensures: a built, uncompiled model computing the file's function; nothing is written.
MyDeepLearning import_onnx(const std::string& path, const Registry& registry);

// The supported operators, for messages and docs ("Add, AveragePool, ...").
std::string supported_operators();

}  // namespace glassbox::onnx_io
