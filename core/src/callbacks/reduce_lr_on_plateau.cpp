// ReduceLROnPlateau (Keras): after `patience` epochs without an improvement larger than
// min_delta, multiply the rate by `factor` (not below min_lr), then wait `cooldown` epochs.
#include <algorithm>
#include <cmath>

#include "glassbox/callback.h"
#include "glassbox/error.h"

namespace glassbox {

ReduceLROnPlateau::ReduceLROnPlateau(ReduceLROnPlateauOptions options) : o_(std::move(options)) {
  check_monitor(o_.monitor, "lr_schedule.monitor");
  if (!(o_.factor > 0 && o_.factor < 1)) throw ConfigError("lr_schedule.factor must be in (0, 1)");
  if (o_.patience < 0) throw ConfigError("lr_schedule.patience must be >= 0");
}

void ReduceLROnPlateau::on_train_begin(MyDeepLearning& model, const TrainBegin& info) {
  if (o_.monitor.rfind("val_", 0) == 0 && info.validation_samples == 0)
    throw ConfigError("reduce_on_plateau monitors '" + o_.monitor +
                      "' but there is no validation data (set a validation_split, or monitor 'loss')");
  has_best_ = false;
  wait_ = cooldown_left_ = 0;
}

void ReduceLROnPlateau::on_epoch_end(MyDeepLearning& model, const EpochLog& log) {
  const double v = monitored_value(log, o_.monitor);
  if (std::isnan(v)) return;
  if (cooldown_left_ > 0) {
    --cooldown_left_;
    wait_ = 0;
  }
  const bool improved = !has_best_ || (higher_is_better(o_.monitor) ? v > best_ + o_.min_delta : v < best_ - o_.min_delta);
  if (improved) {
    best_ = v;
    has_best_ = true;
    wait_ = 0;
    return;
  }
  if (cooldown_left_ > 0) return;
  if (++wait_ >= o_.patience) {
    Optimizer* opt = model.optimizer();
    if (opt) {
      const double lr = std::max(o_.min_lr, static_cast<double>(opt->learning_rate()) * o_.factor);
      opt->set_learning_rate(static_cast<float>(lr));
    }
    cooldown_left_ = o_.cooldown;
    wait_ = 0;
  }
}

}  // namespace glassbox
