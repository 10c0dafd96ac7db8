// glassbox.MyDeepLearning: making the model (add, build, compile), its layers and
// weights, summary, and model folders (save, load).
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "glassbox/error.h"
#include "json_convert.h"
#include "model_parts.h"
#include "numpy_convert.h"
#include "process_registry.h"

namespace py = pybind11;
using nlohmann::json;

namespace glassbox::python {

namespace {

// add("dense", units=10) or add({"type": "dense", "units": 10}).
json layer_config(py::handle spec, const py::kwargs& options) {
  json config = py::isinstance<py::str>(spec) ? json{{"type", spec.cast<std::string>()}} : to_json(spec, "add");
  if (!config.is_object()) throw py::value_error("add: expected a layer type name or a config dict, got " + config.dump());
  const json extra = to_json(options, "add");
  for (auto& [k, v] : extra.items()) config[k] = v;
  return config;
}

json optimizer_config(py::handle spec, py::handle learning_rate) {
  json config = py::isinstance<py::str>(spec) ? json{{"type", spec.cast<std::string>()}} : to_json(spec, "optimizer");
  if (!config.is_object()) throw py::value_error("compile: optimizer must be a name or a dict, got " + config.dump());
  if (!learning_rate.is_none()) config["learning_rate"] = learning_rate.cast<double>();
  return config;
}

std::unique_ptr<PyModel> make_model(unsigned long long seed, py::handle layers) {
  auto m = std::make_unique<PyModel>(seed);
  if (!layers.is_none()) {
    std::size_t i = 0;
    for (auto spec : layers) {
      json config = to_json(spec, "layers." + std::to_string(i));
      try {
        m->model.add(config);
      } catch (const ConfigError& e) {
        throw ConfigError("layers." + std::to_string(i) + ": " + e.what());
      }
      ++i;
    }
  }
  return m;
}

std::size_t layer_position(PyModel& self, py::handle key) {
  if (py::isinstance<py::str>(key)) return self.model.layer_index(key.cast<std::string>());
  long i = key.cast<long>();
  const long n = static_cast<long>(self.model.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n)
    throw py::index_error("layer " + std::string(py::str(key)) + " is out of range (the model has " + std::to_string(n) + " layers)");
  return static_cast<std::size_t>(i);
}

py::object layer_view(py::object self, py::handle key) {
  PyModel& m = self.cast<PyModel&>();
  return py::cast(LayerView{self, &m, layer_position(m, key)});
}

// Each recorded layer's output for a batch (copies of the layers' buffers).
py::dict activations(PyModel& self, py::handle x, py::handle names) {
  Tensor in = model_input(self, x, "activations");
  std::vector<bool> wanted(self.model.size(), names.is_none());
  if (!names.is_none())
    for (auto n : names) wanted[layer_position(self, n)] = true;
  BusyGuard busy(self, "activations");
  std::vector<std::pair<std::string, Tensor>> outputs;
  {
    py::gil_scoped_release release;
    self.model.forward(in, [&](std::size_t i, const Layer& layer, const Tensor&, const Tensor& out) {
      if (wanted[i]) outputs.emplace_back(layer.name(), Tensor(out));
    });
  }
  py::dict out;
  for (auto& [name, t] : outputs) out[py::str(name)] = to_numpy(std::move(t));
  return out;
}

void bind_making(py::class_<PyModel>& c) {
  c.def(py::init(&make_model), py::arg("seed") = 42, py::arg("layers") = py::none(),
        "A model whose randomness (initial weights, shuffling, dropout) comes from `seed`; `layers` "
        "is an optional list of layer configs ({\"type\": \"dense\", \"units\": 10, ...}).");
  c.def("add", [](py::object self, py::handle spec, const py::kwargs& options) {
        PyModel& m = self.cast<PyModel&>();
        BusyGuard busy(m, "add");
        m.model.add(layer_config(spec, options));
        return py::cast(LayerView{self, &m, m.model.size() - 1});
      }, py::arg("layer"), "Adds a layer: add(\"dense\", units=10, activation=\"relu\") or add({...}). Returns it.");
  c.def("build", [](PyModel& self, const Shape& shape) {
        BusyGuard busy(self, "build");
        self.model.build(shape);
      }, py::arg("input_shape"), "Builds for a per-sample input shape, e.g. (1, 28, 28); fit does it otherwise.");
  c.def("compile", [](PyModel& self, py::handle optimizer, const std::string& loss, const std::vector<std::string>& metrics,
                      py::handle learning_rate) {
        BusyGuard busy(self, "compile");
        self.model.compile(optimizer_config(optimizer, learning_rate), loss, metrics);
      }, py::arg("optimizer") = "adam", py::arg("loss") = "sparse_categorical_crossentropy",
      py::arg("metrics") = std::vector<std::string>{"accuracy"}, py::arg("learning_rate") = py::none(),
      "optimizer: a name (\"adam\", \"sgd\", ...) or a dict of its options; learning_rate overrides its rate.");
}

void bind_layers(py::class_<PyModel>& c) {
  c.def("__len__", [](const PyModel& self) { return self.model.size(); });
  c.def("__getitem__", &layer_view, py::arg("key"), "A layer by index or name.");
  c.def("layer", &layer_view, py::arg("key"), "A layer by index or name.");
  c.def_property_readonly("layers", [](py::object self) {
    py::list out;
    for (std::size_t i = 0; i < self.cast<PyModel&>().model.size(); ++i) out.append(layer_view(self, py::int_(i)));
    return out;
  });
  c.def("get_weights", [](PyModel& self) {
    py::list out;
    for (auto& w : self.model.get_weights()) out.append(to_numpy(std::move(w)));
    return out;
  }, "Copies of every parameter, layer by layer, as Keras' get_weights.");
  c.def("set_weights", [](PyModel& self, const py::list& weights) {
    std::vector<Tensor> w;
    for (std::size_t i = 0; i < weights.size(); ++i) w.push_back(tensor_from_numpy(weights[i], "weights[" + std::to_string(i) + "]"));
    BusyGuard busy(self, "set_weights");
    self.model.set_weights(w);
  }, py::arg("weights"), "Sets every parameter from a list like get_weights()'s (count and shapes checked).");
  c.def("activations", &activations, py::arg("x"), py::arg("layers") = py::none(),
        "One inference pass: layer name -> its output for the batch x (every layer, or those named).");
}

void bind_description(py::class_<PyModel>& c) {
  c.def("summary", [](PyModel& self, py::handle print_fn) {
    const std::string text = self.model.summary();
    if (print_fn.is_none()) py::print(text, py::arg("end") = "");
    else print_fn(text);
  }, py::arg("print_fn") = py::none(), "Prints the layer table (or passes it to print_fn).");
  c.def_property_readonly("built", [](const PyModel& self) { return self.model.built(); });
  c.def_property_readonly("input_shape", [](const PyModel& self) { return shape_tuple(self.model.input_shape()); });
  c.def_property_readonly("output_shape", [](const PyModel& self) { return shape_tuple(self.model.output_shape()); });
  c.def_property_readonly("param_count", [](const PyModel& self) { return self.model.param_count(); });
  c.def_property_readonly("loss", [](const PyModel& self) { return self.model.loss_name(); });
  c.def_property_readonly("history", [](const PyModel& self) { return self.history; }, "The History of the last fit.");
  c.def("config", [](const PyModel& self) { return from_json(self.model.config()); },
        "The architecture and training set-up as written to model.json.");
  c.def("save", [](PyModel& self, const std::string& dir) {
    BusyGuard busy(self, "save");
    py::gil_scoped_release release;
    self.model.save(dir);
  }, py::arg("dir"), "Writes the model folder (model.json + one .npy per parameter), atomically.");
  c.def_static("load", [](const std::string& dir) {
    Registry& registry = process_registry();
    py::gil_scoped_release release;
    return std::make_unique<PyModel>(MyDeepLearning::load(dir, registry));
  }, py::arg("dir"), "Reads a model folder written by save() or by the driver (runs/NAME/model).");
  c.def("stop_training", [](PyModel& self, const std::string& reason) { self.request_stop(reason); },
        py::arg("reason") = "stopped",
        "Stops a running fit: from on_epoch_end after that epoch, from another thread after the current batch.");
}

}  // namespace

void bind_structure(py::class_<PyModel>& c) {
  bind_making(c);
  bind_layers(c);
  bind_description(c);
}

}  // namespace glassbox::python
