// TerminateOnNaN: a NaN or infinite loss never recovers; stop instead of wasting epochs.
// The experiment runner then fails the run (and saves nothing) when the stop reason
// starts with kNonFiniteStop or any parameter is not finite.
#include <cmath>
#include <sstream>

#include "glassbox/callback.h"
#include "glassbox/optimizer.h"

namespace glassbox {

void TerminateOnNaN::on_batch_end(MyDeepLearning& model, const BatchLog& log) {
  if (std::isfinite(log.loss)) return;
  std::ostringstream o;
  o << "epoch " << log.epoch << ", batch " << log.batch << ": loss is " << (std::isnan(log.loss) ? "NaN" : "infinite");
  if (model.optimizer()) o << " — the learning rate " << model.optimizer()->learning_rate() << " may be too large";
  o << " (try a lower learning_rate or clip_norm)";
  model.stop_training(o.str());
}

}  // namespace glassbox
