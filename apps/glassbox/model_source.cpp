#include "model_source.h"

#include <algorithm>
#include <cctype>

#include "glassbox/error.h"
#ifdef GLASSBOX_HAVE_ONNX
#include "glassbox/onnx/onnx_import.h"
#endif

namespace glassbox::app {

bool is_onnx_model_path(const std::string& path) {
  if (path.size() < 5) return false;
  std::string ext = path.substr(path.size() - 5);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".onnx";
}

void require_onnx_support(const std::string& what) {
#ifndef GLASSBOX_HAVE_ONNX
  throw ConfigError(what + ": this glassbox was built without ONNX support (install libonnx-dev and libprotobuf-dev "
                           "and rebuild; see docs/onnx.md)");
#else
  (void)what;
#endif
}

MyDeepLearning open_model(const std::string& path, const Registry& registry) {
  if (!is_onnx_model_path(path)) return MyDeepLearning::load(path, registry);
  require_onnx_support(path);
#ifdef GLASSBOX_HAVE_ONNX
  return onnx_io::import_onnx(path, registry);
#else
  return MyDeepLearning::load(path, registry);  // not reached
#endif
}

}  // namespace glassbox::app
