// The methods of glassbox.MyDeepLearning: building, training, inference, files, layers.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "fit_control.h"
#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "json_convert.h"
#include "labeled_input.h"
#include "model_parts.h"
#include "numpy_convert.h"
#include "process_registry.h"
#include "py_model.h"

namespace py = pybind11;
using nlohmann::json;

namespace glassbox::python {

namespace {

// verbose "auto": the progress bar on a terminal, nothing otherwise.
bool stdout_is_terminal() {
  try {
    return py::module_::import("sys").attr("stdout").attr("isatty")().cast<bool>();
  } catch (const py::error_already_set&) {
    return false;
  }
}

int verbose_level(py::handle verbose) {
  if (py::isinstance<py::str>(verbose) && verbose.cast<std::string>() == "auto") return stdout_is_terminal() ? 1 : 0;
  if (py::isinstance<py::int_>(verbose) || py::isinstance<py::bool_>(verbose)) {
    const int v = verbose.cast<int>();
    if (v >= 0 && v <= 2) return v;
  }
  throw py::value_error("fit: verbose must be \"auto\", 0, 1 or 2, got " + std::string(py::repr(verbose)));
}

struct FitArguments {
  std::unique_ptr<LabeledData> train_held, validation_held;
  const LabeledData* train = nullptr;
  FitOptions options;
  std::shared_ptr<FitControl> control;
};

// The train-section callbacks (callback.h): early_stopping, lr_schedule, terminate_on_nan.
void add_config_callbacks(FitArguments& a, MyDeepLearning& model, py::handle early_stopping, py::handle lr_schedule,
                          bool terminate_on_nan) {
  json train = {{"terminate_on_nan", terminate_on_nan}};
  if (!early_stopping.is_none()) train["early_stopping"] = to_json(early_stopping, "early_stopping");
  if (!lr_schedule.is_none()) train["lr_schedule"] = to_json(lr_schedule, "lr_schedule");
  const double lr = model.optimizer() ? model.optimizer()->learning_rate() : 0.0;
  for (auto& c : callbacks_from_config(train, lr, "", "fit")) a.options.callback(c);
}

FitArguments fit_arguments(PyModel& self, py::handle x, py::handle y, int epochs, std::size_t batch_size, bool shuffle,
                           double validation_split, py::handle validation_data, int verbose) {
  FitArguments a;
  a.train = &labeled_argument(x, y, 0, "fit", &a.train_held);
  a.options.epochs(epochs).batch_size(batch_size).shuffle(shuffle).validation_split(validation_split);
  if (!validation_data.is_none()) {
    const LabeledData* v = nullptr;
    if (py::isinstance<py::tuple>(validation_data) && py::len(validation_data) == 2) {
      auto t = validation_data.cast<py::tuple>();
      v = &labeled_argument(t[0], t[1], 0, "fit validation_data", &a.validation_held);
    } else {
      v = &labeled_argument(validation_data, py::none(), 0, "fit validation_data", &a.validation_held);
    }
    a.options.validation_data(*v);
  }
  // A bar redrawn in place needs a terminal; elsewhere (notebooks, files) one line per
  // epoch goes through Python's sys.stdout.
  const bool bar = verbose == 1 && stdout_is_terminal();
  a.options.verbose(bar ? 1 : 0);
  return a;
}

History run_fit(PyModel& self, FitArguments& a) {
  py::module_::import("sys").attr("stdout").attr("flush")();
  BusyGuard busy(self, "fit");
  History h;
  {
    py::gil_scoped_release release;
    h = self.model.fit(*a.train, a.options);
  }
  self.history = h;
  a.control->raise_pending();
  return h;
}

History fit(PyModel& self, py::handle x, py::handle y, int epochs, std::size_t batch_size, bool shuffle,
            double validation_split, py::handle validation_data, py::handle verbose, py::handle early_stopping,
            py::handle lr_schedule, bool terminate_on_nan, py::handle on_epoch_end) {
  const int level = verbose_level(verbose);
  FitArguments a = fit_arguments(self, x, y, epochs, batch_size, shuffle, validation_split, validation_data, level);
  add_config_callbacks(a, self.model, early_stopping, lr_schedule, terminate_on_nan);
  const bool lines = level == 2 || (level == 1 && a.options.verbose_ == 0);
  a.control = std::make_shared<FitControl>(self, lines, on_epoch_end.is_none() ? py::object() : py::reinterpret_borrow<py::object>(on_epoch_end));
  a.options.callback(a.control);
  return run_fit(self, a);
}

py::dict evaluate(PyModel& self, py::handle x, py::handle y, std::size_t batch_size) {
  std::unique_ptr<LabeledData> held;
  const LabeledData& data = labeled_argument(x, y, 0, "evaluate", &held);
  BusyGuard busy(self, "evaluate");
  Evaluation ev;
  {
    py::gil_scoped_release release;
    ev = self.model.evaluate(data, batch_size);
  }
  py::dict out;
  out["loss"] = ev.loss;
  out["accuracy"] = ev.accuracy;
  py::array_t<std::int64_t> confusion({ev.confusion.size(), ev.confusion.empty() ? 0 : ev.confusion[0].size()});
  auto c = confusion.mutable_unchecked<2>();
  for (std::size_t i = 0; i < ev.confusion.size(); ++i)
    for (std::size_t j = 0; j < ev.confusion[i].size(); ++j) c(i, j) = ev.confusion[i][j];
  out["confusion"] = confusion;
  return out;
}

}  // namespace

// The model's input batch from an array (or a LabeledData's samples).
Tensor model_input(PyModel& self, py::handle x, const std::string& what) {
  if (py::isinstance<LabeledData>(x)) {
    const auto& d = x.cast<const LabeledData&>();
    if (d.size() == 0) throw py::value_error(what + ": the data is empty");
    return d.batch_range(0, d.size());
  }
  return batch_from_numpy(x, self.model.built() ? self.model.input_shape() : Shape{}, what + " x");
}

void bind_training(py::class_<PyModel>& c) {
  c.def("fit", &fit, py::arg("x"), py::arg("y") = py::none(), py::kw_only(), py::arg("epochs") = 1,
        py::arg("batch_size") = 32, py::arg("shuffle") = true, py::arg("validation_split") = 0.0,
        py::arg("validation_data") = py::none(), py::arg("verbose") = "auto", py::arg("early_stopping") = py::none(),
        py::arg("lr_schedule") = py::none(), py::arg("terminate_on_nan") = true, py::arg("on_epoch_end") = py::none(),
        "Trains on x (float32 (N, ...)) with labels y (integer (N,)), or on a LabeledData. Returns a History. "
        "verbose: \"auto\" (a progress bar on a terminal, quiet otherwise), 0, 1 or 2 (a line per epoch). "
        "Ctrl-C stops after the current batch and raises KeyboardInterrupt; model.history keeps what was done.");
  c.def("evaluate", &evaluate, py::arg("x"), py::arg("y") = py::none(), py::kw_only(), py::arg("batch_size") = 256,
        "Loss, accuracy and confusion matrix ([true, predicted]) on x, y or a LabeledData.");
  c.def("predict", [](PyModel& self, py::handle x, std::size_t batch_size) {
        Tensor in = model_input(self, x, "predict");
        BusyGuard busy(self, "predict");
        Tensor out;
        {
          py::gil_scoped_release release;
          out = self.model.predict(in, batch_size);
        }
        return to_numpy(std::move(out));
      }, py::arg("x"), py::kw_only(), py::arg("batch_size") = 256,
      "The model's outputs for a float32 batch (N, ...input shape): a float32 (N, outputs) array.");
  c.def("predict_classes", [](PyModel& self, py::handle x, std::size_t batch_size) {
        Tensor in = model_input(self, x, "predict_classes");
        BusyGuard busy(self, "predict_classes");
        std::vector<int> out;
        {
          py::gil_scoped_release release;
          out = self.model.predict_classes(in, batch_size);
        }
        return to_numpy(out);
      }, py::arg("x"), py::kw_only(), py::arg("batch_size") = 256, "The predicted class of each sample (int64).");
}

}  // namespace glassbox::python
