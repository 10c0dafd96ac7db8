#pragma once
// The built-in attribution methods, added to the registry on its first use.
#include "glassbox/explain/attribution_method.h"

namespace glassbox::explain {

void register_lrp_method(MethodRegistry& registry);       // lrp_attribution.cpp
void register_baseline_methods(MethodRegistry& registry);  // attribution_method.cpp

}  // namespace glassbox::explain
