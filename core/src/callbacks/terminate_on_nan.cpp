// TerminateOnNaN: a NaN or infinite loss never recovers; stop instead of wasting epochs.
#include <cmath>

#include "glassbox/callback.h"

namespace glassbox {

void TerminateOnNaN::on_batch_end(MyDeepLearning& model, const BatchLog& log) {
  if (!std::isfinite(log.loss))
    model.stop_training("the loss became " + std::string(std::isnan(log.loss) ? "NaN" : "infinite") + " at epoch " +
                        std::to_string(log.epoch) + ", batch " + std::to_string(log.batch) +
                        " (try a lower learning rate or clip_norm)");
}

}  // namespace glassbox
