#pragma once
// glassbox.MyDeepLearning's methods, by topic (one file each).
#include <string>

#include <pybind11/pybind11.h>

#include "glassbox/tensor.h"
#include "py_model.h"

namespace glassbox::python {

// A layer of a model, by index; the Python object keeps the model alive.
struct LayerView {
  pybind11::object keep;  // the model's Python object
  PyModel* owner;
  std::size_t index;
  Layer& layer() const { return owner->model.layer(index); }
};

void bind_layer(pybind11::module_& m);                  // bind_model.cpp
void bind_structure(pybind11::class_<PyModel>& c);     // model_structure.cpp: add, build, compile, layers, files
void bind_training(pybind11::class_<PyModel>& c);      // model_methods.cpp: fit, evaluate, predict

// A float32 batch for the model (shape checked once the model is built), or a
// LabeledData's samples.
Tensor model_input(PyModel& self, pybind11::handle x, const std::string& what);
pybind11::tuple shape_tuple(const Shape& s);

}  // namespace glassbox::python
