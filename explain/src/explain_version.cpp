#include "glassbox/explain/version.h"

#include "glassbox/version.h"

namespace glassbox::explain {
const char* version() { return GLASSBOX_VERSION; }
}  // namespace glassbox::explain
