// A plugin built against a future ABI: the loader must refuse it before calling anything.
#include <cstdlib>

#include "glassbox/plugin.h"

static void must_not_be_called(glassbox::Registry&) { std::abort(); }

namespace {
const glassbox::PluginEntry entry{glassbox::kPluginAbiVersion + 98, "gbtest-abi", "9.9", must_not_be_called,
                                   glassbox::current_abi_fingerprint()};
}
BOOST_DLL_ALIAS(entry, glassbox_plugin)
