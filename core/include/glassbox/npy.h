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
  std::string source;       // the file it was read from (named in conversion errors)
  std::size_t size() const { return shape_size(shape); }
  // Converts any numeric dtype to float / int (throws DataError for other dtypes). A value
  // the target type cannot hold is refused with a DataError naming the file and the
  // element index: for as_int a NaN, an infinity, a fraction or a float beyond int64;
  // for as_float a finite double beyond float's range.
  std::vector<float> as_float() const;
  std::vector<std::int64_t> as_int() const;
};

// Reads a regular file (a FIFO or device is refused, see file_input.h); throws DataError
// naming the file and what is wrong (magic, header, unsupported dtype or Fortran order,
// data shorter or longer than the header's shape says).
NpyArray read_npy(const std::string& path);

// Writes atomically (temporary file + rename).
void write_npy(const std::string& path, const Tensor& t);
void write_npy(const std::string& path, const float* data, const Shape& shape);
void write_npy(const std::string& path, const std::uint8_t* data, const Shape& shape);
void write_npy(const std::string& path, const std::int32_t* data, const Shape& shape);
void write_npy(const std::string& path, const std::int64_t* data, const Shape& shape);

// Writes text (e.g. JSON) atomically and durably: a temporary file, fsynced, renamed over
// `path`, then the folder fsynced.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace glassbox
