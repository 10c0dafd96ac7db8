// glassbox.MyDeepLearning: the Keras-like sequential model (core/include/glassbox/model.h).
#include <algorithm>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "fit_control.h"
#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "json_convert.h"
#include "labeled_input.h"
#include "numpy_convert.h"
#include "process_registry.h"
#include "model_parts.h"
#include "py_model.h"

namespace py = pybind11;
using nlohmann::json;

namespace glassbox::python {

PyModel::PyModel(unsigned long long seed) : model(process_registry(), seed) {}

void PyModel::request_stop(const std::string& reason) {
  std::lock_guard<std::mutex> lock(stop_mutex_);
  stop_reason_ = reason;
  stop_requested_ = true;
}

bool PyModel::take_stop_request(std::string* reason) {
  if (!stop_requested_.load(std::memory_order_relaxed)) return false;
  std::lock_guard<std::mutex> lock(stop_mutex_);
  *reason = stop_reason_;
  stop_requested_ = false;
  return true;
}

BusyGuard::BusyGuard(PyModel& m, const char* what) : m_(m) {
  bool expected = false;
  if (!m_.busy.compare_exchange_strong(expected, true))
    throw std::runtime_error(std::string(what) + ": the model is busy in another thread (fit, predict or an explanation)");
}
BusyGuard::~BusyGuard() { m_.busy = false; }

namespace {

py::dict weights_of(const Layer& layer) {
  py::dict out;
  for (const auto& p : layer.params()) out[py::str(p.name)] = to_numpy(Tensor(*p.value));
  return out;
}

// Writes arrays given by parameter name into the layer, checking names, dtype and shapes.
void set_layer_weights(Layer& layer, const py::dict& values) {
  auto params = layer.params();
  for (auto item : values) {
    const std::string name = py::str(item.first);
    auto it = std::find_if(params.begin(), params.end(), [&](const ParamRef& p) { return p.name == name; });
    if (it == params.end()) {
      std::string known;
      for (const auto& p : params) known += (known.empty() ? "" : ", ") + p.name;
      throw ConfigError(layer.name() + ": no parameter '" + name + "' (it has: " + (known.empty() ? "none" : known) + ")");
    }
    Tensor t = tensor_from_numpy(item.second, layer.name() + "." + name);
    if (Shape(t.shape().begin(), t.shape().end()) != Shape(it->value->shape().begin(), it->value->shape().end()))
      throw py::value_error(layer.name() + "." + name + ": expected shape " + shape_to_string(Shape(it->value->shape().begin(), it->value->shape().end())) +
                            ", got " + shape_to_string(Shape(t.shape().begin(), t.shape().end())));
    std::copy(t.begin(), t.end(), it->value->begin());
  }
}

}  // namespace

py::tuple shape_tuple(const Shape& s) { return py::tuple(py::cast(s)); }

void bind_layer(py::module_& m) {
  py::class_<LayerView>(m, "Layer", "A layer of a model (model.layers[i], model.layer(name)).")
      .def_property_readonly("name", [](const LayerView& v) { return v.layer().name(); })
      .def_property_readonly("type", [](const LayerView& v) { return v.layer().type(); })
      .def_property_readonly("kind", [](const LayerView& v) { return to_string(v.layer().kind()); })
      .def_property_readonly("activation", [](const LayerView& v) { return to_string(v.layer().activation()); })
      .def_property_readonly("index", [](const LayerView& v) { return v.index; })
      .def_property_readonly("config", [](const LayerView& v) { return from_json(v.layer().config()); })
      .def_property_readonly("input_shape", [](const LayerView& v) { return shape_tuple(v.owner->model.layer_input_shape(v.index)); })
      .def_property_readonly("output_shape", [](const LayerView& v) { return shape_tuple(v.owner->model.layer_output_shape(v.index)); })
      .def_property_readonly("param_count", [](const LayerView& v) { return v.layer().param_count(); })
      .def_property_readonly("params", [](const LayerView& v) {
        py::list out;
        for (const auto& p : v.layer().params())
          out.append(py::dict(py::arg("name") = p.name, py::arg("role") = to_string(p.role),
                              py::arg("shape") = shape_tuple(Shape(p.value->shape().begin(), p.value->shape().end())),
                              py::arg("trainable") = p.trainable));
        return out;
      }, "Each parameter's name, role (weight, bias, scale, ...), shape and whether training changes it.")
      .def("get_weights", [](const LayerView& v) { return weights_of(v.layer()); }, "Parameter name -> a copy of its values.")
      .def("set_weights", [](LayerView& v, const py::dict& w) {
        BusyGuard busy(*v.owner, "set_weights");
        set_layer_weights(v.layer(), w);
      }, py::arg("weights"), "Sets parameters by name from float32 arrays of their shapes.")
      .def("__repr__", [](const LayerView& v) { return "<glassbox.Layer " + v.layer().name() + " (" + v.layer().type() + ")>"; });
}

void bind_model(py::module_& m) {
  py::class_<History>(m, "History", "What fit did: one entry per finished epoch.")
      .def_property_readonly("epochs", [](const History& h) {
        py::list out;
        for (const auto& e : h.epochs) out.append(epoch_dict(e));
        return out;
      }, "One dict per epoch: epoch, loss, accuracy, val_loss, val_accuracy, seconds, learning_rate.")
      .def_property_readonly("history", [](const History& h) {
        py::dict out;
        for (const auto& e : h.epochs)
          for (auto item : epoch_dict(e)) {
            if (!out.contains(item.first)) out[item.first] = py::list();
            out[item.first].cast<py::list>().append(item.second);
          }
        return out;
      }, "Figure name -> list over epochs, as Keras' History.history.")
      .def_readonly("stopped_early", &History::stopped_early)
      .def_readonly("stop_reason", &History::stop_reason)
      .def("to_dict", [](const History& h) { return from_json(h.to_json()); })
      .def("__len__", [](const History& h) { return h.epochs.size(); });
  bind_layer(m);
  py::class_<PyModel> c(m, "MyDeepLearning", "The Keras-like sequential model (docs/python.md).");
  bind_structure(c);
  bind_training(c);
  m.attr("Sequential") = c;
}

}  // namespace glassbox::python
