// The glassbox_datasets plugin: registers the built-in datasets.
#include "glassbox/plugin.h"

namespace glassbox::plugins {

static void register_datasets(Registry& registry) {
  (void)registry;
}

}  // namespace glassbox::plugins

GLASSBOX_PLUGIN("glassbox-datasets", "0.1.0", glassbox::plugins::register_datasets)
