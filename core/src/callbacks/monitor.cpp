// The figures callbacks can watch.
#include <cmath>

#include "glassbox/callback.h"
#include "glassbox/error.h"

namespace glassbox {

void check_monitor(const std::string& monitor, const std::string& where) {
  if (monitor != "loss" && monitor != "accuracy" && monitor != "val_loss" && monitor != "val_accuracy")
    throw ConfigError(where + ": cannot monitor '" + monitor + "' (choose loss, accuracy, val_loss, val_accuracy)");
}

bool higher_is_better(const std::string& monitor) { return monitor.find("acc") != std::string::npos; }

double monitored_value(const EpochLog& log, const std::string& monitor) {
  if (monitor == "loss") return log.loss;
  if (monitor == "accuracy") return log.accuracy;
  if (monitor == "val_loss") return log.has_validation ? log.val_loss : NAN;
  if (monitor == "val_accuracy") return log.has_validation ? log.val_accuracy : NAN;
  check_monitor(monitor, "callback");
  return NAN;
}

}  // namespace glassbox
