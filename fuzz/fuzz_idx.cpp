// The IDX reader through the idx dataset: part 1 is the images file, part 2 the labels
// file (empty when absent); either may be gzipped.
#include "fuzz_support.h"
#include "glassbox/dataset.h"
#include "glassbox/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = gbfuzz::split_parts(data, size);
  const std::string images = gbfuzz::write_file("images.idx", parts[0]);
  const std::string labels = gbfuzz::write_file("labels.idx", parts.size() > 1 ? parts[1] : std::string());
  const nlohmann::json options = {{"images", images}, {"labels", labels}};
  GBFUZZ_REFUSALS_ARE_ERRORS({
    auto source = gbfuzz::registry().datasets.create("idx", options);
    (void)source->describe(options);
    glassbox::DatasetSplits s = source->load(options);
    if (s.train.size() > 0) (void)s.train.batch_range(0, 1);
  });
  return 0;
}
