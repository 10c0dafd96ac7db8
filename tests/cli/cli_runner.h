#pragma once
// Runs the built `glassbox` binary and captures its exit code and output.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

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

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace gbtest
