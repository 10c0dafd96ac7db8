#pragma once
// ONNX files on disk: the one place protobuf parses and serializes them.
#include <string>

#include <onnx/onnx_pb.h>

namespace glassbox::onnx_io {

// Files above this size are refused before reading (weights inline; no external data).
constexpr std::uint64_t kMaxOnnxFileBytes = 2ull << 30;

// ensures: the parsed model, which passed onnx::checker::check_model. DataError naming the
// file for a missing file, one that is not a protobuf ModelProto (truncated or another
// format) or one the checker refuses (its message quoted).
onnx::ModelProto read_onnx_file(const std::string& path);

// requires: `model` passed the checker. Writes `path` atomically (a temporary file next to
// it, renamed); Error naming the file when it cannot be written.
void write_onnx_file(const onnx::ModelProto& model, const std::string& path);

}  // namespace glassbox::onnx_io
