#pragma once
// Reading an analysis section (signatures, similarity, concepts) after validate_section
// (glassbox/experiment.h) checked it against the experiment schema: every key known, typed
// and in range, so a value converts without error.
#include <nlohmann/json.hpp>

namespace glassbox::explain {

// section[key], or `fallback` when the section is not an object or the key is absent or null.
template <class T>
T section_value(const nlohmann::json& section, const char* key, const T& fallback) {
  if (!section.is_object() || !section.contains(key) || section[key].is_null()) return fallback;
  return section[key].get<T>();
}

}  // namespace glassbox::explain
