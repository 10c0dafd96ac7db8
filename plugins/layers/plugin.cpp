// The glassbox_layers plugin: registers the built-in layers (one file per layer).
#include "glassbox/plugin.h"
#include "layers.h"

namespace glassbox::layers {

static void register_layers(Registry& registry) {
  register_dense(registry);
  register_flatten(registry);
  register_activation_layers(registry);
}

}  // namespace glassbox::layers

GLASSBOX_PLUGIN("glassbox-layers", "0.1.0", glassbox::layers::register_layers)
