// The CSV reader through the csv dataset: part 1 is the file; an optional part 2 is a
// JSON object of dataset options (label_column, header, shape, max_value, ...), so the
// options' interplay with the file is searched too.
#include "fuzz_support.h"
#include "glassbox/dataset.h"
#include "glassbox/error.h"
#include "glassbox/json_text.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = gbfuzz::split_parts(data, size);
  const std::string path = gbfuzz::write_file("data.csv", parts[0]);
  nlohmann::json options = nlohmann::json::object();
  if (parts.size() > 1) {
    try {
      options = glassbox::parse_json_text(parts[1], "options");
    } catch (const glassbox::Error&) {
      return 0;
    }
    if (!options.is_object()) return 0;
  }
  options["path"] = path;
  options.erase("test");
  GBFUZZ_REFUSALS_ARE_ERRORS({
    auto source = gbfuzz::registry().datasets.create("csv", options);
    glassbox::DatasetSplits s = source->load(options);
    if (s.train.size() > 0) (void)s.train.batch_range(0, 1);
  });
  return 0;
}
