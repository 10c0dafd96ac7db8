#pragma once
// NumPy arrays in and out.
//
// Out: a Tensor is moved into a heap object that the array's base (a capsule) owns, so the
// array views the tensor's memory without a copy (float32, C order, 64-byte aligned).
// In: the library's tensors own their (aligned) storage, so an input array is copied once
// into one; it must be float32 (any strides: C order is a plain memcpy). Wrong dtypes and
// shapes raise ValueError naming the argument, the shape given and the one expected.
#include <cstdint>
#include <string>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "glassbox/tensor.h"

namespace glassbox::python {

pybind11::array_t<float> to_numpy(Tensor&& t);
pybind11::array_t<float> to_numpy(const std::vector<float>& v);
pybind11::array_t<double> to_numpy(const std::vector<double>& v);
pybind11::array_t<std::int64_t> to_numpy(const std::vector<int>& v);
pybind11::array_t<std::int64_t> to_numpy(const std::vector<std::size_t>& v);

// A float32 array of shape (N, ...sample) as a batch; `sample` empty accepts any shape
// with at least two axes. Raises ValueError for another dtype or shape, or N == 0.
Tensor batch_from_numpy(pybind11::handle array, const Shape& sample, const std::string& name);
// A float32 array of any shape as a tensor (weights).
Tensor tensor_from_numpy(pybind11::handle array, const std::string& name);
// The float32 samples of (N, ...) as a flat vector and their shape without N.
std::vector<float> samples_from_numpy(pybind11::handle array, const std::string& name, Shape* sample,
                                      std::size_t* count);
// Integer labels of shape (N,) in [0, classes) (classes 0: any non-negative value).
std::vector<int> labels_from_numpy(pybind11::handle array, std::size_t count, std::size_t classes,
                                   const std::string& name);

}  // namespace glassbox::python
