#pragma once
// What fit does for Python while the GIL is released:
//   - Ctrl-C: every ~100 ms (never per batch: the GIL is taken only then) the callback
//     asks Python for pending signals; a KeyboardInterrupt stops training after the
//     current batch (the model keeps the weights of the last finished batch) and is
//     raised again once fit has returned;
//   - progress in Python's own sys.stdout (so notebooks show it): one line per epoch;
//   - on_epoch_end(log): a Python function called with each epoch's figures (a dict); an
//     exception in it stops training the same way and is raised after fit;
//   - model.stop_training(reason) from Python (any thread) stops after the current batch,
//     or, from on_epoch_end, before the next epoch.
#include <chrono>
#include <optional>

#include <pybind11/pybind11.h>

#include "glassbox/callback.h"
#include "py_model.h"

namespace glassbox::python {

class FitControl : public Callback {
 public:
  FitControl(PyModel& owner, bool print_epochs, pybind11::object on_epoch_end);
  void on_train_begin(MyDeepLearning& model, const TrainBegin& info) override;
  void on_batch_end(MyDeepLearning& model, const BatchLog& log) override;
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override;
  // With the GIL held, after fit: raises what stopped training, if anything did.
  void raise_pending();

 private:
  void stop(MyDeepLearning& model, const std::string& reason);
  void pass_on_stop_request(MyDeepLearning& model);

  PyModel& owner_;
  bool print_epochs_;
  pybind11::object on_epoch_end_;
  int epochs_ = 0;
  std::chrono::steady_clock::time_point last_check_;
  std::optional<pybind11::error_already_set> pending_;
};

// An epoch's figures as a dict: epoch, loss, accuracy, val_loss, val_accuracy (when there
// was validation data), seconds, learning_rate.
pybind11::dict epoch_dict(const EpochLog& log);

}  // namespace glassbox::python
