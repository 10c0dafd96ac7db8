#pragma once
// Finds and loads plugin libraries into a Registry.
// Search order: explicit dirs (--plugin-dir, in the order given), GLASSBOX_PLUGIN_PATH
// (colon-separated), the `plugins` folder next to the executable, the install folder.
// A library, once loaded, stays loaded for the life of the process: objects it made may
// live anywhere, and unloading code under them would be a crash.
#include <string>
#include <vector>

#include "glassbox/registry.h"

namespace glassbox {

struct PluginDir {
  std::string path;
  std::string source;  // "--plugin-dir", "GLASSBOX_PLUGIN_PATH", "executable", "install"
  bool explicit_request = false;
};

// A library in a searched folder that could not be loaded.
struct PluginProblem {
  std::string path;
  std::string message;
  bool fatal = false;  // it was in an explicitly requested folder
};

struct PluginSearch {
  std::vector<std::string> explicit_dirs;
  bool use_environment = true;  // GLASSBOX_PLUGIN_PATH
  bool use_default_dirs = true;  // next to the executable, install folder
};

std::vector<PluginDir> plugin_search_path(const PluginSearch& search);

// Loads one library file. Throws PluginError naming the file: not a shared library,
// no glassbox_plugin entry point, ABI mismatch, or a name registered twice.
void load_plugin(Registry& registry, const std::string& path);

// Loads every *.so in the search path. A file whose name was already loaded from an
// earlier folder is skipped (earlier folders win: a --plugin-dir build shadows the
// installed copy). Problems are returned, not thrown; those in explicitly requested
// folders are marked fatal.
std::vector<PluginProblem> load_plugins(Registry& registry, const PluginSearch& search);

// The folder the built-in plugins were installed to.
std::string install_plugin_dir();

}  // namespace glassbox
