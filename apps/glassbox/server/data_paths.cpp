// Dataset paths in an experiment sent to the server. `glassbox run` reads whatever the
// user names; a server must not: a page could name /dev/zero (an endless read), /proc
// files or the user's private files, and the loaders' error messages quote what they
// read. So every path is resolved (symbolic links followed) and must lie inside a data
// root the server was started with.
#include <filesystem>

#include "glassbox/error.h"
#include "web_server.h"

namespace glassbox::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The data keys the built-in datasets read as files or folders (plugins/datasets).
const char* const kPathKeys[] = {"path", "images", "labels", "test_images", "test_labels",
                                 "x", "y", "test_x", "test_y", "train", "test"};

bool inside(const fs::path& target, const fs::path& root) {
  auto r = root.begin(), t = target.begin();
  for (; r != root.end(); ++r, ++t)
    if (t == target.end() || *r != *t) return false;
  return true;
}

std::string roots_text(const std::vector<std::string>& roots) {
  if (roots.empty()) return "none configured; start the server with --data-root DIR";
  std::string s;
  for (const auto& r : roots) s += (s.empty() ? "" : ", ") + r;
  return s;
}

void check_one(const json& value, const std::string& key, const std::vector<std::string>& roots) {
  if (!value.is_string())
    throw ConfigError(key + ": expected a file or folder name (a string), got a " + std::string(value.type_name()));
  const std::string text = value.get<std::string>();
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(text, ec), ec);
  bool ok = !ec && !text.empty();
  if (ok) {
    ok = false;
    for (const auto& r : roots) ok = ok || inside(resolved, r);
  }
  // Outside the roots nothing more is said: not whether the file exists, not what it holds.
  if (!ok)
    throw ConfigError(key + ": '" + text.substr(0, 200) + "' is outside the data folders this server reads (" +
                      roots_text(roots) + ")");
  auto st = fs::status(resolved, ec);
  if (ec || !fs::exists(st)) throw ConfigError(key + ": '" + text.substr(0, 200) + "' does not exist");
  if (!fs::is_regular_file(st) && !fs::is_directory(st))
    throw ConfigError(key + ": '" + text.substr(0, 200) + "' is not a regular file or a folder");
}

}  // namespace

void check_data_paths(const json& config, const std::vector<std::string>& roots, const std::string& source) {
  // A model folder to compare layers with is read like a dataset file.
  if (config.contains("similarity") && config["similarity"].is_object() && config["similarity"].contains("compare_model"))
    check_one(config["similarity"]["compare_model"], source + ": similarity.compare_model", roots);
  if (!config.contains("data") || !config["data"].is_object()) return;
  const json& data = config["data"];
  for (const char* key : kPathKeys) {
    if (data.contains(key)) check_one(data[key], source + ": data." + key, roots);
    if (data.contains("options") && data["options"].is_object() && data["options"].contains(key))
      check_one(data["options"][key], source + ": data.options." + key, roots);
  }
}

}  // namespace glassbox::server
