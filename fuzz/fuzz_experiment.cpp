// The experiment-file parser and schema check (parse_experiment), as the CLI and the
// server run them on a user's file, plus one override taken from the input's last line.
#include "fuzz_support.h"
#include "glassbox/error.h"
#include "glassbox/experiment.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = gbfuzz::split_parts(data, size);
  std::vector<std::string> overrides(parts.begin() + 1, parts.end());
  GBFUZZ_REFUSALS_ARE_ERRORS({
    glassbox::Experiment e = glassbox::parse_experiment(parts[0], "fuzz.json", overrides);
    (void)e.name();
    (void)e.seed();
    for (const char* key : {"data", "model", "train", "explain", "signatures"}) (void)e.section(key);
  });
  return 0;
}
