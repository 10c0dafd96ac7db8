#pragma once
// Converting between ONNX's TensorProto / AttributeProto and glassbox values.
#include <cstdint>
#include <string>
#include <vector>

#include <onnx/onnx_pb.h>

#include "glassbox/tensor.h"

namespace glassbox::onnx_io {

// A tensor's dimensions as a Shape (a scalar: empty).
Shape dims_of(const onnx::TensorProto& t);

// requires: `where` names the tensor for messages ("node 'x' (Conv): initializer 'W'").
// ensures: the values of a FLOAT tensor (raw_data or float_data, little-endian). DataError
// for another element type, external data or a value count that is not its dims' product.
Tensor float_values(const onnx::TensorProto& t, const std::string& where);
// The same for an INT64 tensor (Reshape shapes).
std::vector<std::int64_t> int64_values(const onnx::TensorProto& t, const std::string& where);

// Fills `t` (name, dims, FLOAT raw_data) from a glassbox tensor; int64 likewise.
void set_float_tensor(onnx::TensorProto& t, const std::string& name, const Tensor& values);
void set_int64_tensor(onnx::TensorProto& t, const std::string& name, const std::vector<std::int64_t>& values);

// The attribute named `name` of a node, or null.
const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name);

// The string form of a shape, "(8, 1, 3, 3)".
std::string dims_text(const std::vector<std::int64_t>& dims);

}  // namespace glassbox::onnx_io
