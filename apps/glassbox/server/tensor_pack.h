#pragma once
// Large arrays travel as binary, not JSON number lists. A packed response is
//   "GBX1" | uint32 LE header length N | N bytes of UTF-8 JSON | zero padding to a
//   multiple of 4 | float32 LE data
// and each array in the header is described by {"offset": byte offset into the data
// part, "length": element count, "shape": [...]}; the page views it with
// new Float32Array(buffer, dataStart + offset, length) without copying.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/tensor.h"

namespace glassbox::server {

class TensorPack {
 public:
  // Appends the values and returns their descriptor for the header.
  nlohmann::json add(const float* data, std::size_t count, const std::vector<std::size_t>& shape);
  nlohmann::json add(const Tensor& t);  // shape taken from the tensor
  // The finished body.
  std::string finish(const nlohmann::json& header) const;

 private:
  std::vector<float> data_;
};

// Reads a packed body back (tests and tools): header and the float data.
struct UnpackedTensors {
  nlohmann::json header;
  std::vector<float> data;
  // The values of an array descriptor.
  std::vector<float> values(const nlohmann::json& descriptor) const;
};
UnpackedTensors unpack_tensors(const std::string& body);  // throws std::runtime_error

}  // namespace glassbox::server
