#pragma once
// What fit, evaluate and the analyses take as labelled samples: a LabeledData (from
// load_data, or made from arrays), or arrays x (float32, (N, ...)) and y (integer, (N,)).
#include <memory>
#include <string>

#include <pybind11/pybind11.h>

#include "glassbox/dataset.h"

namespace glassbox::python {

// A LabeledData made from arrays; class names "0".."k-1" where k = `classes` (0: the
// largest label + 1).
LabeledData labeled_from_numpy(pybind11::handle x, pybind11::handle y, std::size_t classes, const std::string& name);

// `x` a LabeledData (then y must be None) or an array with labels y. `held` keeps a
// LabeledData made from arrays alive; the result points to it or into `x`.
const LabeledData& labeled_argument(pybind11::handle x, pybind11::handle y, std::size_t classes,
                                    const std::string& name, std::unique_ptr<LabeledData>* held);

}  // namespace glassbox::python
