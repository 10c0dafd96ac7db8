#include "numpy_convert.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>

namespace py = pybind11;

namespace glassbox::python {

namespace {

std::string shape_text(const py::array& a) {
  std::string s = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) s += (i ? ", " : "") + std::to_string(a.shape(i));
  return s + (a.ndim() == 1 ? ",)" : ")");
}

std::string expected_text(const Shape& sample) {
  std::string s = "(N";
  for (auto d : sample) s += ", " + std::to_string(d);
  return s + ")";
}

py::array as_array(py::handle obj, const std::string& name) {
  if (!py::isinstance<py::array>(obj))
    throw py::value_error(name + ": expected a numpy.ndarray, got " +
                          std::string(py::str(obj.get_type().attr("__name__"))));
  return py::reinterpret_borrow<py::array>(obj);
}

// The float32 array in C order (a copy only when the strides differ).
py::array_t<float, py::array::c_style> float_array(py::handle obj, const std::string& name) {
  py::array a = as_array(obj, name);
  if (!py::isinstance<py::array_t<float>>(a))
    throw py::value_error(name + ": expected a float32 array, got dtype " + std::string(py::str(a.dtype())) +
                          " (convert with x.astype(numpy.float32))");
  return py::array_t<float, py::array::c_style>::ensure(a);
}

template <class T>
py::array_t<T> vector_array(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

}  // namespace

py::array_t<float> to_numpy(Tensor&& t) {
  auto* owned = new Tensor(std::move(t));
  py::capsule base(owned, [](void* p) { delete static_cast<Tensor*>(p); });
  std::vector<py::ssize_t> shape(owned->shape().begin(), owned->shape().end());
  return py::array_t<float>(shape, owned->data(), base);
}

py::array_t<float> to_numpy(const std::vector<float>& v) { return vector_array(v); }
py::array_t<double> to_numpy(const std::vector<double>& v) { return vector_array(v); }

py::array_t<std::int64_t> to_numpy(const std::vector<int>& v) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

py::array_t<std::int64_t> to_numpy(const std::vector<std::size_t>& v) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
  std::transform(v.begin(), v.end(), out.mutable_data(), [](std::size_t i) { return static_cast<std::int64_t>(i); });
  return out;
}

Tensor batch_from_numpy(py::handle obj, const Shape& sample, const std::string& name) {
  auto a = float_array(obj, name);
  if (!sample.empty()) {
    bool fits = a.ndim() == static_cast<py::ssize_t>(sample.size() + 1);
    for (std::size_t i = 0; fits && i < sample.size(); ++i) fits = a.shape(static_cast<py::ssize_t>(i + 1)) == static_cast<py::ssize_t>(sample[i]);
    if (!fits)
      throw py::value_error(name + ": expected shape " + expected_text(sample) + " (a batch of the model's inputs), got " +
                            shape_text(a));
  } else if (a.ndim() < 2) {
    throw py::value_error(name + ": expected a batch (N, ...) with at least two axes, got shape " + shape_text(a));
  }
  if (a.shape(0) == 0) throw py::value_error(name + ": the batch is empty (shape " + shape_text(a) + ")");
  Shape shape(a.shape(), a.shape() + a.ndim());
  Tensor t = Tensor::from_shape(shape);
  std::memcpy(t.data(), a.data(), sizeof(float) * t.size());
  return t;
}

Tensor tensor_from_numpy(py::handle obj, const std::string& name) {
  auto a = float_array(obj, name);
  Tensor t = Tensor::from_shape(Shape(a.shape(), a.shape() + a.ndim()));
  std::memcpy(t.data(), a.data(), sizeof(float) * t.size());
  return t;
}

std::vector<float> samples_from_numpy(py::handle obj, const std::string& name, Shape* sample, std::size_t* count) {
  auto a = float_array(obj, name);
  if (a.ndim() < 2) throw py::value_error(name + ": expected samples (N, ...) with at least two axes, got shape " + shape_text(a));
  if (a.shape(0) == 0) throw py::value_error(name + ": no samples (shape " + shape_text(a) + ")");
  *count = static_cast<std::size_t>(a.shape(0));
  sample->assign(a.shape() + 1, a.shape() + a.ndim());
  return std::vector<float>(a.data(), a.data() + a.size());
}

std::vector<int> labels_from_numpy(py::handle obj, std::size_t count, std::size_t classes, const std::string& name) {
  py::array a = as_array(obj, name);
  if (a.dtype().kind() != 'i' && a.dtype().kind() != 'u')
    throw py::value_error(name + ": expected integer class labels, got dtype " + std::string(py::str(a.dtype())));
  if (a.ndim() != 1 || static_cast<std::size_t>(a.shape(0)) != count)
    throw py::value_error(name + ": expected shape (" + std::to_string(count) + ",) (one label per sample), got " +
                          shape_text(a));
  auto v = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(a);
  std::vector<int> out(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t label = v.data()[i];
    if (label < 0)
      throw py::value_error(name + "[" + std::to_string(i) + "]: label " + std::to_string(label) +
                            " is not a class (labels are 0, 1, ...)");
    if (classes > 0 && static_cast<std::size_t>(label) >= classes)
      throw py::value_error(name + "[" + std::to_string(i) + "]: label " + std::to_string(label) + " is not a class in 0.." +
                            std::to_string(classes - 1));
    if (label > std::numeric_limits<int>::max())
      throw py::value_error(name + "[" + std::to_string(i) + "]: label " + std::to_string(label) + " is too large");
    out[i] = static_cast<int>(label);
  }
  return out;
}

}  // namespace glassbox::python
