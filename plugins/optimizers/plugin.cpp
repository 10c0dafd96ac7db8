// The glassbox_optimizers plugin: registers the built-in optimizers.
#include "glassbox/plugin.h"
#include "optimizers.h"

namespace glassbox::plugins {

static void register_optimizers(Registry& registry) {
  auto add = [&](FactoryInfo info, FactoryRegistry<Optimizer>::Factory f) {
    info.origin = registry.origin();
    registry.optimizers.add(std::move(info), std::move(f));
  };
  add(sgd_info(), make_sgd);
  add(adam_info(), make_adam);
  add(rmsprop_info(), make_rmsprop);
  add(adagrad_info(), make_adagrad);
}

}  // namespace glassbox::plugins

GLASSBOX_PLUGIN("glassbox-optimizers", "0.1.0", glassbox::plugins::register_optimizers)
