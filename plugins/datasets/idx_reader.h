#pragma once
// IDX files (the MNIST format, http://yann.lecun.com/exdb/mnist/): a 4-byte magic number
// 0x00 0x00 <type> <number of dimensions>, one big-endian uint32 per dimension, then the
// values in row-major order. Files may be gzip-compressed (read through zlib, which also
// reads uncompressed files unchanged). Only unsigned bytes (type 0x08) are supported: that
// is what MNIST, Fashion-MNIST, KMNIST and EMNIST use.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace glassbox::plugins {

struct IdxArray {
  std::vector<std::size_t> dims;
  std::vector<std::uint8_t> values;  // empty after read_idx_header
};

// Reads the magic number and the dimensions only (a few bytes, even for a .gz file).
IdxArray read_idx_header(const std::string& path);

// Reads the whole file; throws DataError naming the file and the byte offset of a wrong
// magic number, an unsupported type, a dimension other than the count that is 0, a
// truncated payload or trailing bytes.
IdxArray read_idx(const std::string& path);

// An images file (N x rows x cols ...) with its labels file (N), as a dataset split.
struct IdxSamples {
  std::vector<std::size_t> sample_dims;  // dims after the count, e.g. {28, 28}
  std::vector<std::uint8_t> pixels;
  std::vector<int> labels;
  int max_label = -1;
};

// Checks that the images file has at least 2 dimensions, the labels file 1, and that
// they hold as many samples.
IdxSamples read_idx_samples(const std::string& images_path, const std::string& labels_path);

// Throws DataError naming the labels file and the byte offset of the first label that is
// not below num_classes.
void check_idx_labels(const IdxSamples& s, const std::string& labels_path, std::size_t num_classes);

}  // namespace glassbox::plugins
