#pragma once
// Python objects <-> JSON, for layer configs, optimizer options, dataset sections and
// results: dict (str keys), list/tuple, str, bool, int, float, None, and NumPy scalars and
// 1-d arrays (as lists). Anything else is a ValueError naming `where` and the type.
#include <string>

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace glassbox::python {

nlohmann::json to_json(pybind11::handle obj, const std::string& where);
pybind11::object from_json(const nlohmann::json& j);

}  // namespace glassbox::python
