#pragma once
// The name table of an enumeration, the one place its values are spelled: to_string and
// the inverse read from the same list.
#include <cstddef>
#include <string>
#include <utility>

namespace glassbox::detail {

template <class E>
using EnumName = std::pair<E, const char*>;

// The name of `value` in `names`, or `fallback` when it is not listed.
template <class E, std::size_t N>
std::string enum_name(const EnumName<E> (&names)[N], E value, const char* fallback) {
  for (const auto& [e, name] : names)
    if (e == value) return name;
  return fallback;
}

// The value named `text`; false when no entry has that name.
template <class E, std::size_t N>
bool enum_value(const EnumName<E> (&names)[N], const std::string& text, E& value) {
  for (const auto& [e, name] : names)
    if (text == name) {
      value = e;
      return true;
    }
  return false;
}

// "a, b, c": the names in table order.
template <class E, std::size_t N>
std::string enum_names(const EnumName<E> (&names)[N]) {
  std::string s;
  for (const auto& entry : names) s += (s.empty() ? "" : ", ") + std::string(entry.second);
  return s;
}

}  // namespace glassbox::detail
