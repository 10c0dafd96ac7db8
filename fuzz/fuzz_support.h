#pragma once
// Shared by the libFuzzer harnesses: a scratch folder per process (the readers take file
// paths, as the commands do), the plugins of this build loaded into one registry, and the
// rule every harness enforces: a loader may refuse an input only with a glassbox::Error.
// Anything else (std::bad_alloc, nlohmann's exceptions, std::out_of_range ...) escapes the
// harness and libFuzzer reports it as a crash, as it does for sanitizer findings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "glassbox/registry.h"

namespace gbfuzz {

// A per-process folder under $TMPDIR, else /dev/shm, else /tmp; removed at exit.
const std::string& scratch_dir();
// Writes bytes to scratch_dir()/name and returns the path.
std::string write_file(const std::string& name, const std::uint8_t* data, std::size_t size);
std::string write_file(const std::string& name, const std::string& bytes);

// The registry with the built-in plugins of this build tree (layers, optimizers,
// datasets), loaded once.
glassbox::Registry& registry();

// Splits an input into parts at each "\n--part--\n" line: how one fuzz input carries
// several files (a model folder) or a request's headers and body.
std::vector<std::string> split_parts(const std::uint8_t* data, std::size_t size);

}  // namespace gbfuzz

// Runs `body`; a glassbox::Error is a clean refusal and is swallowed, anything else is
// rethrown for libFuzzer to report.
#define GBFUZZ_REFUSALS_ARE_ERRORS(body) \
  try {                                  \
    body;                                \
  } catch (const glassbox::Error&) {     \
  }
