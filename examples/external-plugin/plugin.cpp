// The entry point: one GLASSBOX_PLUGIN per library. The loader checks the ABI version in
// it before calling the register function.
#include <glassbox/plugin.h>

#include "example.h"

static void register_all(glassbox::Registry& registry) {
  example::register_swish(registry);
  example::register_sign_sgd(registry);
  example::register_checkerboard(registry);
}

GLASSBOX_PLUGIN("example-plugin", "1.0", register_all)
