// The glassbox_optimizers plugin: registers the built-in optimizers.
#include "glassbox/plugin.h"

namespace glassbox::plugins {

static void register_optimizers(Registry& registry) {
  (void)registry;
}

}  // namespace glassbox::plugins

GLASSBOX_PLUGIN("glassbox-optimizers", "0.1.0", glassbox::plugins::register_optimizers)
