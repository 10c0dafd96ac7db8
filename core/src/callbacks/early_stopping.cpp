// EarlyStopping, with Keras's rule: an epoch improves when it beats the best so far by
// more than min_delta; after `patience` epochs without improvement training stops.
#include "glassbox/callback.h"
#include "glassbox/error.h"

namespace glassbox {

EarlyStopping::EarlyStopping(EarlyStoppingOptions options) : o_(std::move(options)) {
  check_monitor(o_.monitor, "early_stopping.monitor");
  if (o_.patience < 0) throw ConfigError("early_stopping.patience must be >= 0, got " + std::to_string(o_.patience));
  if (o_.min_delta < 0) throw ConfigError("early_stopping.min_delta must be >= 0");
}

void EarlyStopping::on_train_begin(MyDeepLearning& model, const TrainBegin& info) {
  if (o_.monitor.rfind("val_", 0) == 0 && info.validation_samples == 0)
    throw ConfigError("early_stopping monitors '" + o_.monitor +
                      "' but there is no validation data (set a validation_split, or monitor 'loss')");
  best_epoch_ = wait_ = stopped_epoch_ = last_epoch_ = 0;
  best_weights_.clear();
}

void EarlyStopping::on_epoch_end(MyDeepLearning& model, const EpochLog& log) {
  last_epoch_ = log.epoch;
  const double v = monitored_value(log, o_.monitor);
  const bool up = higher_is_better(o_.monitor);
  const bool improved = best_epoch_ == 0 || (up ? v - o_.min_delta > best_ : v + o_.min_delta < best_);
  if (improved) {
    best_ = v;
    best_epoch_ = log.epoch;
    wait_ = 0;
    if (o_.restore_best_weights) best_weights_ = model.get_weights();
    return;
  }
  if (++wait_ >= o_.patience) {
    stopped_epoch_ = log.epoch;
    model.stop_training("early stopping: " + o_.monitor + " did not improve for " + std::to_string(wait_) +
                        " epoch(s); best " + std::to_string(best_) + " at epoch " + std::to_string(best_epoch_));
  }
}

void EarlyStopping::on_train_end(MyDeepLearning& model, const History& history) {
  if (o_.restore_best_weights && !best_weights_.empty() && best_epoch_ != last_epoch_) model.set_weights(best_weights_);
}

}  // namespace glassbox
