#pragma once
// The parts of the module, one file each (module.cpp calls them in this order).
#include <pybind11/pybind11.h>

namespace glassbox::python {

void bind_data(pybind11::module_& m);     // bind_data.cpp: LabeledData, Data, load_data, datasets
void bind_model(pybind11::module_& m);    // bind_model.cpp: MyDeepLearning, Layer, History
void bind_explain(pybind11::module_& m);  // bind_explain.cpp: the explain submodule's functions

}  // namespace glassbox::python
