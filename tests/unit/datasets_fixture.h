#pragma once
// Shared by the dataset tests: the datasets plugin loaded into a registry, a scratch
// folder per test process, and small writers for the files the tests break on purpose.
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "glassbox/error.h"
#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

namespace gbtest {

inline glassbox::Registry& dataset_registry() {
  static glassbox::Registry* r = [] {
    auto* reg = new glassbox::Registry();
    glassbox::load_plugin(*reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_datasets.so");
    return reg;
  }();
  return *r;
}

inline std::string scratch_dir() {
  static const std::string dir = [] {
    std::string d = "/tmp/glassbox-datasets-test-" + std::to_string(::getpid());
    std::system(("mkdir -p " + d).c_str());
    return d;
  }();
  return dir;
}

inline std::string scratch(const std::string& name) { return scratch_dir() + "/" + name; }

inline std::string write_bytes(const std::string& name, const std::string& bytes) {
  const std::string p = scratch(name);
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

inline std::string write_gz(const std::string& name, const std::string& bytes) {
  const std::string p = scratch(name);
  gzFile f = gzopen(p.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
  return p;
}

// An IDX file of unsigned bytes, written by hand (independently of the reader).
inline std::string idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<std::uint8_t>& values) {
  std::string b{'\0', '\0', '\x08', static_cast<char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((d >> s) & 0xff));
  b.append(values.begin(), values.end());
  return b;
}

inline glassbox::DatasetSplits load(const std::string& dataset, const nlohmann::json& options) {
  return dataset_registry().datasets.create(dataset, options)->load(options);
}

// The message of the DataError that loading throws ("" when none is thrown).
inline std::string data_error(const std::string& dataset, const nlohmann::json& options) {
  try {
    load(dataset, options);
  } catch (const glassbox::DataError& e) {
    return e.what();
  }
  return "";
}

inline bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace gbtest
