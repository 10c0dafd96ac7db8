// Registers layer "twin"; so does twin_b.cpp: loading both must fail on the second.
#include "glassbox/plugin.h"
#include "identity_layer.h"

static void register_twin(glassbox::Registry& r) { gbtest::register_identity(r, "twin"); }

GLASSBOX_PLUGIN("gbtest-twin-a", "1.0", register_twin)
