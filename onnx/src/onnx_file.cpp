#include "onnx_file.h"

#include <onnx/checker.h>

#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/npy.h"

namespace glassbox::onnx_io {

onnx::ModelProto read_onnx_file(const std::string& path) {
  const std::string bytes = read_regular_file(path, kMaxOnnxFileBytes, "ONNX file");
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes))
    throw DataError(path + ": not an ONNX model (the file is truncated or is not an ONNX protobuf file)");
  if (!model.has_graph() || model.opset_import_size() == 0)
    throw DataError(path + ": not an ONNX model (no graph or no opset; the file is truncated or is not an ONNX file)");
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    std::string why = e.what();
    const auto newline = why.find('\n');
    if (newline != std::string::npos) why = why.substr(0, newline);
    throw DataError(path + ": refused by the ONNX checker (the file is truncated or malformed): " + why);
  }
  return model;
}

void write_onnx_file(const onnx::ModelProto& model, const std::string& path) {
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error(path + ": cannot serialize the ONNX model");
  write_file_atomic(path, bytes);
}

}  // namespace glassbox::onnx_io
