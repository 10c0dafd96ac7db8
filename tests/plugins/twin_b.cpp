// Registers "twin_b_only", then "twin", which twin_a.cpp registers too: loading both must
// fail on the second, and roll back its "twin_b_only".
#include "glassbox/plugin.h"
#include "identity_layer.h"

static void register_twin(glassbox::Registry& r) {
  gbtest::register_identity(r, "twin_b_only");
  gbtest::register_identity(r, "twin");
}

GLASSBOX_PLUGIN("gbtest-twin-b", "1.0", register_twin)
