// The ONNX importer (onnx_io::import_onnx): the input is the file. A model that imports is
// run once on a zero input and exported again (the writer and the ONNX checker on it).
#include "fuzz_support.h"
#include "glassbox/error.h"
#include "glassbox/onnx/onnx_export.h"
#include "glassbox/onnx/onnx_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = gbfuzz::write_file("model.onnx", data, size);
  GBFUZZ_REFUSALS_ARE_ERRORS({
    auto model = glassbox::onnx_io::import_onnx(path, gbfuzz::registry());
    glassbox::Shape shape{1};
    const glassbox::Shape& in = model.input_shape();
    shape.insert(shape.end(), in.begin(), in.end());
    if (glassbox::shape_size(shape) <= (1u << 16)) {
      glassbox::Tensor x(glassbox::TensorShape(shape.begin(), shape.end()), 0.0f);
      (void)model.predict(x);
    }
    glassbox::onnx_io::export_onnx(model, gbfuzz::scratch_dir() + "/again.onnx");
  });
  return 0;
}
