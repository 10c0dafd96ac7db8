#include "fit_control.h"

#include <cstdio>

namespace py = pybind11;

namespace glassbox::python {

namespace {
constexpr auto kSignalCheckInterval = std::chrono::milliseconds(100);

std::string epoch_line(const EpochLog& log, int epochs) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "Epoch %d/%d - %.1fs - loss: %.4f - accuracy: %.4f", log.epoch, epochs,
                        log.seconds, log.loss, log.accuracy);
  if (log.has_validation && n > 0 && static_cast<std::size_t>(n) < sizeof buf)
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), " - val_loss: %.4f - val_accuracy: %.4f",
                  log.val_loss, log.val_accuracy);
  return buf;
}
}  // namespace

py::dict epoch_dict(const EpochLog& log) {
  py::dict d;
  d["epoch"] = log.epoch;
  d["loss"] = log.loss;
  d["accuracy"] = log.accuracy;
  if (log.has_validation) {
    d["val_loss"] = log.val_loss;
    d["val_accuracy"] = log.val_accuracy;
  }
  d["seconds"] = log.seconds;
  d["learning_rate"] = log.learning_rate;
  return d;
}

FitControl::FitControl(PyModel& owner, bool print_epochs, py::object on_epoch_end)
    : owner_(owner), print_epochs_(print_epochs), on_epoch_end_(std::move(on_epoch_end)) {}

void FitControl::on_train_begin(MyDeepLearning&, const TrainBegin& info) {
  epochs_ = info.epochs;
  last_check_ = std::chrono::steady_clock::now();
  std::string stale;
  owner_.take_stop_request(&stale);  // a request made before this fit is not for it
}

void FitControl::pass_on_stop_request(MyDeepLearning& model) {
  std::string reason;
  if (owner_.take_stop_request(&reason)) model.stop_training(reason);
}

void FitControl::stop(MyDeepLearning& model, const std::string& reason) {
  pending_.emplace();  // fetches (and clears) the Python error
  model.stop_training(reason);
}

void FitControl::on_batch_end(MyDeepLearning& model, const BatchLog&) {
  pass_on_stop_request(model);
  const auto now = std::chrono::steady_clock::now();
  if (pending_ || now - last_check_ < kSignalCheckInterval) return;
  last_check_ = now;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) stop(model, "interrupted");
}

void FitControl::on_epoch_end(MyDeepLearning& model, const EpochLog& log) {
  if (!pending_ && (print_epochs_ || on_epoch_end_)) {
    py::gil_scoped_acquire gil;
    try {
      if (print_epochs_) py::print(epoch_line(log, epochs_), py::arg("flush") = true);
      if (on_epoch_end_) on_epoch_end_(epoch_dict(log));
    } catch (py::error_already_set& e) {
      const bool interrupt = e.matches(PyExc_KeyboardInterrupt);
      e.restore();
      stop(model, interrupt ? "interrupted" : "on_epoch_end raised an exception");
    }
  }
  pass_on_stop_request(model);
}

void FitControl::raise_pending() {
  if (!pending_) return;
  py::error_already_set e = std::move(*pending_);
  pending_.reset();
  throw e;
}

}  // namespace glassbox::python
