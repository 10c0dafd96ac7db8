// ModelCheckpoint: saves the model folder after an epoch, or only after improving ones.
#include <cmath>

#include "glassbox/callback.h"
#include "glassbox/error.h"

namespace glassbox {

ModelCheckpoint::ModelCheckpoint(ModelCheckpointOptions options) : o_(std::move(options)) {
  if (o_.path.empty()) throw ConfigError("checkpoint: empty path");
  check_monitor(o_.monitor, "checkpoint.monitor");
}

void ModelCheckpoint::on_train_begin(MyDeepLearning& model, const TrainBegin& info) {
  if (o_.save_best_only && o_.monitor.rfind("val_", 0) == 0 && info.validation_samples == 0)
    throw ConfigError("checkpoint monitors '" + o_.monitor +
                      "' but there is no validation data (set a validation_split, or monitor 'loss')");
  has_best_ = false;
  saved_epoch_ = 0;
}

void ModelCheckpoint::on_epoch_end(MyDeepLearning& model, const EpochLog& log) {
  if (o_.save_best_only) {
    const double v = monitored_value(log, o_.monitor);
    if (std::isnan(v)) return;
    const bool better = !has_best_ || (higher_is_better(o_.monitor) ? v > best_ : v < best_);
    if (!better) return;
    best_ = v;
    has_best_ = true;
  }
  // A diverged epoch must not replace a good checkpoint with NaN weights.
  if (!std::isfinite(log.loss)) return;
  for (const auto& p : model.params())
    for (std::size_t i = 0; i < p.value->size(); ++i)
      if (!std::isfinite(p.value->data()[i])) return;
  std::string path = o_.path;
  const auto at = path.find("{epoch}");
  if (at != std::string::npos) path.replace(at, 7, std::to_string(log.epoch));
  model.save(path);
  saved_epoch_ = log.epoch;
}

}  // namespace glassbox
