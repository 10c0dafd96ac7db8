// Registers layer "twin"; so does twin_a.cpp.
#include "glassbox/plugin.h"
#include "identity_layer.h"

static void register_twin(glassbox::Registry& r) { gbtest::register_identity(r, "twin"); }

GLASSBOX_PLUGIN("gbtest-twin-b", "1.0", register_twin)
