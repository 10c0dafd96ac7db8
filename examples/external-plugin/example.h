#pragma once
#include <glassbox/registry.h>

namespace example {
void register_swish(glassbox::Registry& registry);
void register_sign_sgd(glassbox::Registry& registry);
void register_checkerboard(glassbox::Registry& registry);
}  // namespace example
