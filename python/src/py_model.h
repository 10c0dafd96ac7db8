#pragma once
// The Python object behind glassbox.MyDeepLearning: the model, the last fit's History and
// a busy flag. Methods that run without the GIL (fit, evaluate, predict, explanations)
// leave other Python threads free; one of those threads calling into the same model
// meanwhile gets a RuntimeError instead of a data race.
#include <atomic>
#include <mutex>
#include <string>

#include <pybind11/pybind11.h>

#include "glassbox/model.h"

namespace glassbox::python {

struct PyModel {
  explicit PyModel(unsigned long long seed);
  explicit PyModel(MyDeepLearning&& m) : model(std::move(m)) {}

  MyDeepLearning model;
  History history;  // of the last fit (kept when a Ctrl-C interrupted it)
  std::atomic<bool> busy{false};

  // stop_training from Python, from any thread: a running fit stops after the current
  // batch (FitControl passes the request on from the training thread).
  void request_stop(const std::string& reason);
  // The pending request's reason, clearing it; false when there is none.
  bool take_stop_request(std::string* reason);

 private:
  std::atomic<bool> stop_requested_{false};
  std::mutex stop_mutex_;
  std::string stop_reason_;
};

// Marks the model busy for a scope; raises RuntimeError naming `what` when it already is.
class BusyGuard {
 public:
  BusyGuard(PyModel& m, const char* what);
  ~BusyGuard();
  BusyGuard(const BusyGuard&) = delete;
  BusyGuard& operator=(const BusyGuard&) = delete;

 private:
  PyModel& m_;
};

}  // namespace glassbox::python
