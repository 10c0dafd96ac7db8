#include "fuzz_support.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "glassbox/error.h"
#include "glassbox/plugin_loader.h"

namespace gbfuzz {

namespace fs = std::filesystem;

namespace {

// $TMPDIR when set, else /dev/shm (memory, so the files written for every input never
// reach a disk), else /tmp.
std::string scratch_root() {
  const char* tmp = std::getenv("TMPDIR");
  if (tmp && *tmp) return tmp;
  std::error_code ec;
  if (fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  return "/tmp";
}

struct Scratch {
  std::string dir;
  Scratch() {
    dir = scratch_root() + "/glassbox-fuzz-" + std::to_string(::getpid());
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

}  // namespace

const std::string& scratch_dir() {
  static Scratch s;
  return s.dir;
}

std::string write_file(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = scratch_dir() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

std::string write_file(const std::string& name, const std::string& bytes) {
  return write_file(name, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

glassbox::Registry& registry() {
  static glassbox::Registry* r = [] {
    auto* reg = new glassbox::Registry();
    for (const char* p : {"layers", "optimizers", "datasets"})
      glassbox::load_plugin(*reg, std::string(GLASSBOX_FUZZ_PLUGIN_DIR "/libglassbox_") + p + ".so");
    return reg;
  }();
  return *r;
}

std::vector<std::string> split_parts(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string sep = "\n--part--\n";
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + sep.size();
  }
  return parts;
}

}  // namespace gbfuzz
