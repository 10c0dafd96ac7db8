// A plugin whose registration throws a non-glassbox exception.
#include <stdexcept>

#include "glassbox/plugin.h"

static void register_throwing(glassbox::Registry&) { throw std::runtime_error("boom in registration"); }

GLASSBOX_PLUGIN("gbtest-throwing", "1.0", register_throwing)
