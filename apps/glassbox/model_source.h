#pragma once
// The one place the driver's commands open the model that --model (or --compare) names: a
// model folder (model.json + .npy, MyDeepLearning::load) or an ONNX file (by its ".onnx"
// extension, imported in memory: onnx/include/glassbox/onnx/onnx_import.h).
#include <string>

#include "glassbox/model.h"
#include "glassbox/registry.h"

namespace glassbox::app {

// True when `path` names an ONNX file (".onnx", any case).
bool is_onnx_model_path(const std::string& path);

// The model at `path`. ConfigError for an ONNX path when this glassbox was built without
// ONNX support; otherwise the errors of MyDeepLearning::load or onnx_io::import_onnx.
MyDeepLearning open_model(const std::string& path, const Registry& registry);

// ConfigError unless this build has ONNX support (`what`: the command, for the message).
void require_onnx_support(const std::string& what);

}  // namespace glassbox::app
