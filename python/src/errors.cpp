#include "errors.h"

#include <exception>

#include "glassbox/error.h"

namespace py = pybind11;

namespace glassbox::python {

namespace {

// Exception classes are created once per interpreter and live as long as the module.
PyObject* g_error = nullptr;
PyObject* g_config_error = nullptr;
PyObject* g_data_error = nullptr;
PyObject* g_plugin_error = nullptr;

PyObject* new_exception(py::module_& m, const char* name, py::handle bases, const char* doc) {
  const std::string full = std::string("glassbox.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(full.c_str(), doc, bases.ptr(), nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));
  return type;
}

}  // namespace

void register_errors(py::module_& m) {
  g_error = new_exception(m, "Error", PyExc_RuntimeError, "glassbox::Error: the work failed (bad data, training error).");
  py::handle base(g_error);
  g_config_error = new_exception(m, "ConfigError", py::make_tuple(base, py::handle(PyExc_ValueError)),
                                 "A bad option, key, layer or argument; the message names it.");
  g_data_error = new_exception(m, "DataError", py::make_tuple(base, py::handle(PyExc_ValueError)),
                               "Data that cannot be used: the message names the file and position.");
  g_plugin_error = new_exception(m, "PluginError", py::make_tuple(base, py::handle(PyExc_ImportError)),
                                 "A plugin library that cannot be loaded: the message names the file.");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ConfigError& e) {
      PyErr_SetString(g_config_error, e.what());
    } catch (const DataError& e) {
      PyErr_SetString(g_data_error, e.what());
    } catch (const PluginError& e) {
      PyErr_SetString(g_plugin_error, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });
}

}  // namespace glassbox::python
