// The glassbox_layers plugin: registers the built-in layers (one file per layer).
#include "glassbox/plugin.h"
#include "layers.h"

namespace glassbox::layers {

static void register_layers(Registry& registry) {
  register_dense(registry);
  register_conv2d(registry);
  register_max_pool2d(registry);
  register_avg_pool2d(registry);
  register_global_avg_pool2d(registry);
  register_flatten(registry);
  register_reshape(registry);
  register_dropout(registry);
  register_batch_normalization(registry);
  register_activation_layers(registry);
  register_elementwise_merges(registry);
  register_concatenate(registry);
}

}  // namespace glassbox::layers

GLASSBOX_PLUGIN("glassbox-layers", "0.1.0", glassbox::layers::register_layers)
