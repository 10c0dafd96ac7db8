// Epoch-wise learning-rate schedules: step decay and exponential decay.
#include <cmath>

#include "glassbox/callback.h"
#include "glassbox/error.h"

namespace glassbox {

namespace {
void set_rate(MyDeepLearning& model, double lr) {
  if (Optimizer* o = model.optimizer()) o->set_learning_rate(static_cast<float>(lr));
}
}  // namespace

StepDecay::StepDecay(double initial, double factor, int step_size)
    : initial_(initial), factor_(factor), step_size_(step_size) {
  if (step_size <= 0) throw ConfigError("lr_schedule.step_size must be > 0, got " + std::to_string(step_size));
  if (factor <= 0) throw ConfigError("lr_schedule.factor must be > 0");
}

double StepDecay::rate(int epoch) const { return initial_ * std::pow(factor_, (epoch - 1) / step_size_); }

void StepDecay::on_epoch_begin(MyDeepLearning& model, int epoch) { set_rate(model, rate(epoch)); }

ExponentialDecay::ExponentialDecay(double initial, double decay_rate, double decay_epochs)
    : initial_(initial), decay_rate_(decay_rate), decay_epochs_(decay_epochs) {
  if (decay_epochs <= 0) throw ConfigError("lr_schedule.decay_epochs must be > 0");
  if (decay_rate <= 0) throw ConfigError("lr_schedule.decay_rate must be > 0");
}

double ExponentialDecay::rate(int epoch) const { return initial_ * std::pow(decay_rate_, (epoch - 1) / decay_epochs_); }

void ExponentialDecay::on_epoch_begin(MyDeepLearning& model, int epoch) { set_rate(model, rate(epoch)); }

}  // namespace glassbox
