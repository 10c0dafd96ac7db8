// A well-formed plugin registering one layer, "identity".
#include "glassbox/plugin.h"
#include "identity_layer.h"

static void register_good(glassbox::Registry& r) { gbtest::register_identity(r, "identity"); }

GLASSBOX_PLUGIN("gbtest-good", "1.0", register_good)
