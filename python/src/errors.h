#pragma once
// The library's errors as Python exceptions, with the C++ message unchanged:
//   glassbox.Error        (RuntimeError)   glassbox::Error: the work failed
//   glassbox.ConfigError  (Error, ValueError)   a bad option, key, name or argument
//   glassbox.DataError    (Error, ValueError)   a data file or array that cannot be used
//   glassbox.PluginError  (Error, ImportError)  a plugin library that cannot be loaded
// Array checks of the binding itself raise ValueError (numpy_convert.h).
#include <pybind11/pybind11.h>

namespace glassbox::python {

void register_errors(pybind11::module_& m);

}  // namespace glassbox::python
