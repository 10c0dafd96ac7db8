#include "glassbox/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <boost/filesystem.hpp>

#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/plugin.h"
#include "glassbox/version.h"
#include "plugin_entry_check.h"

namespace fs = boost::filesystem;

namespace glassbox {

namespace {

// Loaded libraries live until the process exits (see plugin_loader.h for why).
std::vector<std::unique_ptr<boost::dll::shared_library>>& resident_libraries() {
  static auto* libs = new std::vector<std::unique_ptr<boost::dll::shared_library>>();
  return *libs;
}
std::mutex& loader_mutex() {
  static std::mutex m;
  return m;
}

// Reads the magic without blocking on a FIFO put where a plugin was expected.
bool has_elf_magic(const std::string& path) {
  char magic[4] = {};
  try {
    InputFile f = open_regular_file(path, UINT64_MAX, "plugin file");
    if (f.read(magic, 4) != 4) return false;
  } catch (const DataError&) {
    return false;
  }
  return magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
}

std::vector<std::string> split_path_list(const std::string& list) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : list) {
    if (c == ':') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

template <class T>
std::set<std::string> names_of(const FactoryRegistry<T>& r) {
  std::set<std::string> s;
  for (const auto& i : r.list()) s.insert(i.name);
  return s;
}

template <class T>
std::vector<std::string> added(const FactoryRegistry<T>& r, const std::set<std::string>& before) {
  std::vector<std::string> out;
  for (const auto& i : r.list())
    if (!before.count(i.name)) out.push_back(i.name);
  return out;
}

}  // namespace

std::string to_string(const AbiFingerprint& f) {
  return "tensor " + std::to_string(f.tensor_size) + " bytes align " + std::to_string(f.tensor_align) +
         ", storage align " + std::to_string(f.allocator_alignment) + ", shape " +
         std::to_string(f.shape_type_size) + " bytes, Shape " + std::to_string(f.shape_size) +
         " bytes, layout " + std::to_string(f.layout);
}

std::string install_plugin_dir() { return GLASSBOX_INSTALL_PLUGIN_DIR; }

std::vector<PluginDir> plugin_search_path(const PluginSearch& search) {
  std::vector<PluginDir> dirs;
  for (const auto& d : search.explicit_dirs) dirs.push_back({d, "--plugin-dir", true});
  if (search.use_environment) {
    if (const char* env = std::getenv("GLASSBOX_PLUGIN_PATH"))
      for (const auto& d : split_path_list(env)) dirs.push_back({d, "GLASSBOX_PLUGIN_PATH", false});
  }
  if (search.use_default_dirs) {
    boost::system::error_code ec;
    fs::path exe = boost::dll::program_location(ec);
    if (!ec) {
      dirs.push_back({(exe.parent_path() / "plugins").string(), "executable", false});
      // A relocated install: <prefix>/bin/glassbox finds <prefix>/lib/glassbox/plugins.
      fs::path relocated = exe.parent_path().parent_path() / GLASSBOX_PLUGIN_INSTALL_SUBDIR;
      if (fs::is_directory(relocated, ec) && relocated != fs::path(install_plugin_dir()))
        dirs.push_back({relocated.lexically_normal().string(), "executable", false});
    }
    dirs.push_back({install_plugin_dir(), "install", false});
  }
  return dirs;
}

namespace {

// The library loaded with its symbols resolved now; a library the loader refuses is a
// PluginError in the loader's own words (Boost.DLL keeps only an errno-like code).
std::unique_ptr<boost::dll::shared_library> open_library(const std::string& path) {
  if (!fs::is_regular_file(path)) throw PluginError(path + ": no such plugin file");
  if (!has_elf_magic(path)) throw PluginError(path + ": not a shared library (no ELF header)");
  auto lib = std::make_unique<boost::dll::shared_library>();
  boost::system::error_code ec;
  lib->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (ec) {
    std::string reason = ec.message();
    if (void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      ::dlclose(h);
    } else if (const char* why = ::dlerror()) {
      reason = why;
    }
    throw PluginError(path + ": cannot be loaded as a shared library (" + reason + ")");
  }
  if (!lib->has("glassbox_plugin"))
    throw PluginError(path + ": not a glassbox plugin (no 'glassbox_plugin' entry point)");
  return lib;
}

// The entry point, checked before anything is read or called through it: the alias that
// GLASSBOX_PLUGIN defines (an `int glassbox_plugin` would otherwise be jumped through),
// this glassbox's ABI version and data layout, a name not loaded yet, a register function.
const PluginEntry& checked_entry(boost::dll::shared_library& lib, const Registry& registry, const std::string& path) {
  const PluginEntry& entry = checked_plugin_entry(::dlsym(lib.native(), "glassbox_plugin"), path);
  if (entry.abi_version != kPluginAbiVersion)
    throw PluginError(path + ": plugin ABI version " + std::to_string(entry.abi_version) +
                      ", this glassbox expects " + std::to_string(kPluginAbiVersion) +
                      " (rebuild the plugin against this glassbox)");
  if (entry.abi != current_abi_fingerprint())
    throw PluginError(path + ": plugin data layout differs from this glassbox's: plugin has " +
                      to_string(entry.abi) + ", this glassbox has " + to_string(current_abi_fingerprint()) +
                      " (rebuild the plugin against this glassbox with the same xtensor and xsimd)");
  const std::string name = entry.name ? entry.name : "";
  for (const auto& p : registry.plugins())
    if (p.name == name) throw PluginError(path + ": plugin '" + name + "' is already loaded from " + p.path);
  if (!entry.register_factories) throw PluginError(path + ": plugin entry has no register function");
  return entry;
}

// Runs the plugin's registration with `path` as the factories' origin: all or nothing (what
// it registered before failing is removed again).
void register_from(const PluginEntry& entry, Registry& registry, const std::string& path) {
  const std::string previous_origin = registry.origin();
  registry.set_origin(path);
  std::string failure;
  try {
    entry.register_factories(registry);
  } catch (const std::exception& e) {
    // Copy the message: the exception object belongs to the plugin's code.
    failure = dynamic_cast<const PluginError*>(&e) ? std::string(e.what()) : path + ": registration failed: " + e.what();
  } catch (...) {
    failure = path + ": registration failed with a non-standard exception";
  }
  registry.set_origin(previous_origin);
  if (failure.empty()) return;
  registry.layers.remove_origin(path);
  registry.optimizers.remove_origin(path);
  registry.datasets.remove_origin(path);
  throw PluginError(failure);
}

}  // namespace

void load_plugin(Registry& registry, const std::string& path) {
  std::lock_guard<std::mutex> lock(loader_mutex());
  auto lib = open_library(path);
  const PluginEntry& entry = checked_entry(*lib, registry, path);
  auto layers_before = names_of(registry.layers);
  auto optimizers_before = names_of(registry.optimizers);
  auto datasets_before = names_of(registry.datasets);
  // From here on the library's code runs: it stays resident even if registration fails,
  // because the exception being thrown (and any factory it added) may live in it.
  resident_libraries().push_back(std::move(lib));
  register_from(entry, registry, path);

  LoadedPlugin info;
  info.name = entry.name ? entry.name : "";
  info.version = entry.version ? entry.version : "";
  info.path = fs::canonical(path).string();
  info.layers = added(registry.layers, layers_before);
  info.optimizers = added(registry.optimizers, optimizers_before);
  info.datasets = added(registry.datasets, datasets_before);
  registry.plugins().push_back(std::move(info));
}

std::vector<PluginProblem> load_plugins(Registry& registry, const PluginSearch& search) {
  std::vector<PluginProblem> problems;
  std::set<std::string> seen_files;
  for (const auto& dir : plugin_search_path(search)) {
    boost::system::error_code ec;
    if (!fs::is_directory(dir.path, ec)) {
      if (dir.explicit_request)
        problems.push_back({dir.path, dir.path + ": plugin folder does not exist", true});
      continue;
    }
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir.path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".so" && fs::is_regular_file(it->path())) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string canon = fs::canonical(f, ec).string();
      if (!seen_files.insert(canon).second) continue;
      // A later folder providing a plugin already loaded from an earlier one is shadowed.
      bool shadowed = false;
      for (const auto& p : registry.plugins())
        if (fs::path(p.path).filename() == f.filename()) shadowed = true;
      if (shadowed) continue;
      try {
        load_plugin(registry, f.string());
      } catch (const PluginError& e) {
        problems.push_back({f.string(), e.what(), dir.explicit_request});
      }
    }
  }
  return problems;
}

}  // namespace glassbox
