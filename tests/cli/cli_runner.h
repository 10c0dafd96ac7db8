#pragma once
// Runs the built `glassbox` binary and captures its exit code and output.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace gbtest {

struct CliResult {
  int code = -1;
  std::string out;  // stdout and stderr together
};

inline CliResult run_glassbox(const std::string& args, const std::string& env = "") {
  std::string cmd = "env GLASSBOX_PLUGIN_PATH= " + env + " " GLASSBOX_BINARY_DIR "/glassbox " + args + " 2>&1";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Writes `text` to dir/name (creating dir) and returns the path: the scratch files of the
// CLI tests.
inline std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// An empty scratch folder /tmp/glassbox-<name>-<pid> (emptied if it exists); call once
// per test program, e.g. from a function-local static.
inline std::string fresh_dir(const std::string& name) {
  const std::string d = "/tmp/glassbox-" + name + "-" + std::to_string(::getpid());
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

// A JSON file the driver wrote; std::runtime_error naming it when it cannot be opened.
inline nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A residual graph listed out of execution order (c2 is listed before c1, its input):
// stem -> c1 -> c2, stem + c2 -> sum -> pool -> flat -> out (`units` outputs).
inline nlohmann::json out_of_order_residual(int units) {
  nlohmann::json layers = nlohmann::json::parse(R"([
    {"type": "conv2d", "name": "stem", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"type": "conv2d", "name": "c2", "filters": 3, "kernel_size": 3, "padding": "same", "inputs": ["c1"]},
    {"type": "conv2d", "name": "c1", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu",
     "inputs": ["stem"]},
    {"type": "add", "name": "sum", "inputs": ["c2", "stem"]},
    {"type": "max_pool2d", "name": "pool", "pool_size": 2},
    {"type": "flatten", "name": "flat"},
    {"type": "dense", "name": "out"}])");
  layers.back()["units"] = units;
  return layers;
}

}  // namespace gbtest
