// The glassbox_layers plugin: registers the built-in layers.
#include "glassbox/plugin.h"

namespace glassbox::plugins {

static void register_layers(Registry& registry) {
  (void)registry;
}

}  // namespace glassbox::plugins

GLASSBOX_PLUGIN("glassbox-layers", "0.1.0", glassbox::plugins::register_layers)
