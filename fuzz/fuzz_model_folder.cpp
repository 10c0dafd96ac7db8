// The model-folder loader (MyDeepLearning::load): part 1 is model.json, every further
// part is one file of the folder, its first line the file name (made file-safe) and the
// rest its bytes. A model that loads is also run once on a zero input.
#include <filesystem>

#include "fuzz_support.h"
#include "glassbox/error.h"
#include "glassbox/model.h"

namespace {

std::string safe_name(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, 64))
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.') ? c : '_';
  if (out.empty() || out == "." || out == "..") out = "file";
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = gbfuzz::split_parts(data, size);
  const std::string dir = gbfuzz::scratch_dir() + "/model";
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  std::filesystem::create_directories(dir);
  gbfuzz::write_file("model/model.json", parts[0]);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::size_t nl = parts[i].find('\n');
    const std::string name = safe_name(parts[i].substr(0, nl));
    if (name == "model.json") continue;
    gbfuzz::write_file("model/" + name, nl == std::string::npos ? std::string() : parts[i].substr(nl + 1));
  }
  GBFUZZ_REFUSALS_ARE_ERRORS({
    auto model = glassbox::MyDeepLearning::load(dir, gbfuzz::registry());
    (void)model.summary();
    glassbox::Shape shape{1};
    const glassbox::Shape& in = model.input_shape();
    shape.insert(shape.end(), in.begin(), in.end());
    if (model.size() > 0 && glassbox::shape_size(shape) <= (1u << 16)) {
      glassbox::Tensor x(glassbox::TensorShape(shape.begin(), shape.end()), 0.0f);
      (void)model.predict(x);
    }
  });
  return 0;
}
