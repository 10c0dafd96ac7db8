// The NPY reader (read_npy and its conversions) and, for an input of two parts, the npy
// dataset on x.npy (part 1) and y.npy (part 2).
#include "fuzz_support.h"
#include "glassbox/dataset.h"
#include "glassbox/error.h"
#include "glassbox/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = gbfuzz::split_parts(data, size);
  const std::string x = gbfuzz::write_file("x.npy", parts[0]);
  GBFUZZ_REFUSALS_ARE_ERRORS({
    glassbox::NpyArray a = glassbox::read_npy(x);
    (void)a.as_float();
    (void)a.as_int();
  });
  if (parts.size() >= 2) {
    const std::string y = gbfuzz::write_file("y.npy", parts[1]);
    GBFUZZ_REFUSALS_ARE_ERRORS({
      auto source = gbfuzz::registry().datasets.create("npy", {{"x", x}, {"y", y}});
      glassbox::DatasetSplits s = source->load({{"x", x}, {"y", y}});
      if (s.train.size() > 0) (void)s.train.batch_range(0, 1);
    });
  }
  return 0;
}
