// A plugin whose compiler saw a different tensor layout (as xt::xarray<float> gets with
// another -march: 16-byte storage alignment): the ABI version matches, the fingerprint
// does not, and the loader must refuse it before calling anything.
#include <cstdlib>

#include "glassbox/plugin.h"

static void must_not_be_called(glassbox::Registry&) { std::abort(); }

namespace {
constexpr glassbox::AbiFingerprint other_layout() {
  glassbox::AbiFingerprint f = glassbox::current_abi_fingerprint();
  f.allocator_alignment = 16;
  return f;
}
const glassbox::PluginEntry entry{glassbox::kPluginAbiVersion, "gbtest-layout", "1.0", must_not_be_called,
                                  other_layout()};
}  // namespace
BOOST_DLL_ALIAS(entry, glassbox_plugin)
