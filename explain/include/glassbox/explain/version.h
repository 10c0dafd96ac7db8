#pragma once
namespace glassbox::explain {
// The explain library's version, for reports (same as the core's when built together).
const char* version();
}  // namespace glassbox::explain
