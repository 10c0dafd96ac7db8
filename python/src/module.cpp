// glassbox._glassbox: the compiled part of the Python package (python/glassbox/).
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "errors.h"
#include "process_registry.h"

namespace py = pybind11;

PYBIND11_MODULE(_glassbox, m) {
  m.doc() = "glassbox: Keras-like models, LRP and activation signatures over the C++ library.";
  glassbox::python::register_errors(m);
  glassbox::python::bind_registry(m);
  glassbox::python::bind_data(m);
  glassbox::python::bind_model(m);
  glassbox::python::bind_explain(m);
}
