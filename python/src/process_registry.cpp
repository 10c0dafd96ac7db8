#include "process_registry.h"

#include <mutex>

#include <pybind11/stl.h>

#include "glassbox/blas.h"
#include "glassbox/error.h"
#include "glassbox/parallel.h"
#include "glassbox/plugin_loader.h"
#include "glassbox/version.h"
#include "json_convert.h"

namespace py = pybind11;

namespace glassbox::python {

namespace {

Registry* g_registry = nullptr;
std::vector<PluginProblem> g_problems;

void warn(const std::string& text) {
  py::module_::import("warnings").attr("warn")("glassbox: skipped plugin " + text, py::module_::import("builtins").attr("RuntimeWarning"), 2);
}

// Loads `search` into the registry; fatal problems raise, others warn.
void load_into(Registry& registry, const PluginSearch& search) {
  auto problems = load_plugins(registry, search);
  for (const auto& p : problems) {
    g_problems.push_back(p);
    if (p.fatal) throw PluginError(p.message);
    warn(p.message);
  }
}

py::list plugin_list(const Registry& r) {
  py::list out;
  for (const auto& p : r.plugins()) {
    py::dict d;
    d["name"] = p.name;
    d["version"] = p.version;
    d["path"] = p.path;
    d["layers"] = p.layers;
    d["optimizers"] = p.optimizers;
    d["datasets"] = p.datasets;
    out.append(d);
  }
  return out;
}

template <class T>
py::dict factories(const FactoryRegistry<T>& family) {
  py::dict out;
  for (const auto& info : family.list()) {
    py::dict d;
    d["description"] = info.description;
    d["parameters"] = from_json(info.parameters);
    d["origin"] = info.origin;
    out[py::str(info.name)] = d;
  }
  return out;
}

}  // namespace

Registry& process_registry() {
  if (g_registry) return *g_registry;
  g_registry = new Registry();
  PluginSearch search;
  search.explicit_dirs = {GLASSBOX_BUILD_PLUGIN_DIR};
  load_into(*g_registry, search);
  return *g_registry;
}

void bind_registry(py::module_& m) {
  m.def("load_plugins", [](py::handle folders) {
        PluginSearch search;
        search.explicit_dirs = py::isinstance<py::str>(folders) ? std::vector<std::string>{folders.cast<std::string>()}
                                                                : folders.cast<std::vector<std::string>>();
        search.use_environment = false;
        search.use_default_dirs = false;
        load_into(process_registry(), search);
      }, py::arg("folders"),
      "Loads every plugin library (*.so) in the given folders, as the driver's --plugin-dir. "
      "Raises PluginError naming the file for a library that cannot be loaded.");
  m.def("load_plugin", [](const std::string& path) { load_plugin(process_registry(), path); }, py::arg("path"),
        "Loads one plugin library file; raises PluginError naming the file.");
  m.def("plugins", []() { return plugin_list(process_registry()); },
        "The loaded plugins: name, version, path and what each registered.");
  m.def("layers", []() { return factories(process_registry().layers); },
        "Layer types by name: description, options (type, default, help), origin.");
  m.def("optimizers", []() { return factories(process_registry().optimizers); }, "Optimizers by name, as layers().");
  m.def("dataset_types", []() { return factories(process_registry().datasets); },
        "Dataset sources by name, with their options, as layers().");
  m.def("set_threads", [](int n) {
        if (n < 1) throw py::value_error("set_threads: expected a thread count >= 1, got " + std::to_string(n));
        set_compute_threads(n);
      }, py::arg("n"), "Sets how many threads training, prediction and explanations use (OpenBLAS then runs on one).");
  m.def("threads", []() { return compute_threads(); }, "The compute threads in use.");
  m.def("info", []() { return from_json(blas_report().to_json()); },
        "The BLAS core and threads, glassbox's own threads, the CPU features (as `glassbox info`).");
  m.attr("__version__") = GLASSBOX_VERSION;
}

}  // namespace glassbox::python
