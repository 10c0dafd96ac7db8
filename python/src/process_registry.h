#pragma once
// The registry every model made from Python uses: one per process, as the driver has one.
// Plugins load on first use as in the driver (plugin_loader.h): the build tree's plugins
// folder the module was built with, GLASSBOX_PLUGIN_PATH, then the install folder; a
// problem in the build tree's folder raises PluginError, others become Python warnings.
// glassbox.load_plugins(folder) adds folders later, as the driver's --plugin-dir.
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "glassbox/registry.h"

namespace glassbox::python {

// Never destroyed: plugin code stays loaded for the life of the process, and objects it
// made may outlive the interpreter's module teardown.
Registry& process_registry();

void bind_registry(pybind11::module_& m);

}  // namespace glassbox::python
