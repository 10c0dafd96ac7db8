#include "path_safety.h"

#include <algorithm>
#include <filesystem>

namespace glassbox::server {

namespace fs = std::filesystem;

namespace {

bool plain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool is_plain_component(const std::string& s, std::size_t max_len) {
  if (s.empty() || s.size() > max_len) return false;
  if (s[0] == '.' || s[0] == '-') return false;  // no "..", no hidden files, no option-like names
  for (char c : s)
    if (!plain_char(c)) return false;
  return s.find("..") == std::string::npos;
}

}  // namespace

bool is_sweep_run_name(const std::string& name) {
  constexpr std::size_t prefix = 4;  // "run-"
  if (name.size() <= prefix || name.size() > prefix + 6 || name.compare(0, prefix, "run-") != 0) return false;
  return std::all_of(name.begin() + prefix, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_valid_run_id(const std::string& id) {
  const auto slash = id.find('/');
  if (slash == std::string::npos) return is_plain_component(id, 128);
  return is_plain_component(id.substr(0, slash), 128) && is_sweep_run_name(id.substr(slash + 1));
}

bool is_real_directory(const std::string& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() == fs::file_type::directory;
}

bool is_sweep_folder(const std::string& path) {
  std::error_code ec;
  return is_real_directory(path) && fs::symlink_status(path + "/sweep.json", ec).type() == fs::file_type::regular;
}

bool is_valid_relative_name(const std::string& name) {
  if (name.empty() || name.size() > 512) return false;
  std::size_t start = 0, levels = 0;
  while (true) {
    std::size_t slash = name.find('/', start);
    std::string part = name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!is_plain_component(part, 128)) return false;
    if (++levels > 8) return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

std::optional<std::string> resolve_inside(const std::string& base, const std::string& name) {
  if (!is_valid_relative_name(name)) return std::nullopt;
  std::error_code ec;
  fs::path root = fs::canonical(base, ec);
  if (ec) return std::nullopt;
  fs::path target = fs::canonical(root / name, ec);
  if (ec) return std::nullopt;
  // Component-wise prefix test: "/runs/a" must not accept "/runs/ab/x".
  auto r = root.begin(), t = target.begin();
  for (; r != root.end(); ++r, ++t)
    if (t == target.end() || *r != *t) return std::nullopt;
  return target.string();
}

std::string sanitize_id(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (out.size() >= 64) break;
    out += plain_char(c) ? c : '-';
  }
  while (!out.empty() && (out[0] == '.' || out[0] == '-')) out.erase(0, 1);
  std::string collapsed;
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!(out[i] == '.' && i + 1 < out.size() && out[i + 1] == '.')) collapsed += out[i];
  return collapsed.empty() ? "run" : collapsed;
}

}  // namespace glassbox::server
