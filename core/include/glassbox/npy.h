#pragma once
// NumPy .npy files (format version 1.0/2.0), readable with numpy.load.
#include <cstdint>
#include <string>
#include <vector>

#include "glassbox/tensor.h"

namespace glassbox {

struct NpyArray {
  std::string dtype;  // "<f4", "<f8", "|u1", "<i4", "<i8", ...
  Shape shape;
  std::vector<char> bytes;  // row-major (C order) data
  std::size_t size() const { return shape_size(shape); }
  // Converts any numeric dtype to float / int (throws DataError for others).
  std::vector<float> as_float() const;
  std::vector<std::int64_t> as_int() const;
};

// Reads a file; throws DataError naming the file and what is wrong (magic, header,
// unsupported dtype or Fortran order, truncated data).
NpyArray read_npy(const std::string& path);

// Writes atomically (temporary file + rename).
void write_npy(const std::string& path, const Tensor& t);
void write_npy(const std::string& path, const float* data, const Shape& shape);
void write_npy(const std::string& path, const std::uint8_t* data, const Shape& shape);
void write_npy(const std::string& path, const std::int32_t* data, const Shape& shape);
void write_npy(const std::string& path, const std::int64_t* data, const Shape& shape);

// Writes text (e.g. JSON) atomically.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace glassbox
