#pragma once
// Template definitions for registry.h.
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <type_traits>

namespace glassbox {

template <class T>
void FactoryRegistry<T>::add(FactoryInfo info, Factory factory) {
  auto it = entries_.find(info.name);
  if (it != entries_.end()) {
    throw PluginError(family_ + " '" + info.name + "' is registered twice: by " +
                      it->second.info.origin + " and by " + info.origin);
  }
  std::string name = info.name;
  entries_.emplace(name, Entry{std::move(info), std::move(factory)});
}

template <class T>
void FactoryRegistry<T>::remove_origin(const std::string& origin) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.info.origin == origin) it = entries_.erase(it);
    else ++it;
  }
}

template <class T>
std::unique_ptr<T> FactoryRegistry<T>::create(const std::string& name,
                                              const nlohmann::json& options) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::ostringstream known;
    for (const auto& [n, e] : entries_) known << (known.tellp() > 0 ? ", " : "") << n;
    throw ConfigError("unknown " + family_ + " '" + name + "' (known: " + known.str() + ")");
  }
  return it->second.factory(options);
}

template <class T>
const FactoryInfo& FactoryRegistry<T>::info(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw ConfigError("unknown " + family_ + " '" + name + "'");
  return it->second.info;
}

template <class T>
std::vector<FactoryInfo> FactoryRegistry<T>::list() const {
  std::vector<FactoryInfo> out;
  for (const auto& [n, e] : entries_) out.push_back(e.info);
  return out;
}

namespace detail {

// JSON numbers are converted only when the target type holds them: nlohmann's get<int>()
// of 4.3e59 (or of 1.5) is a plain cast, undefined behaviour or a silent truncation.
template <class V>
V checked_number(const nlohmann::json& v, const std::string& key) {
  using limits = std::numeric_limits<V>;
  const auto refuse = [&](const std::string& expected) -> V {
    throw ConfigError("option '" + key + "' must be " + expected + ", got " + v.dump());
  };
  if (!v.is_number())
    throw ConfigError("option '" + key + "' has the wrong type: expected " +
                      (std::is_integral_v<V> ? "a whole number" : "a number") + ", got " + v.dump());
  if constexpr (std::is_integral_v<V>) {
    const std::string range = "a whole number in [" + std::to_string(limits::min()) + ", " +
                              std::to_string(limits::max()) + "]";
    if (v.is_number_unsigned())
      return v.get<std::uint64_t>() <= static_cast<std::uint64_t>(limits::max()) ? static_cast<V>(v.get<std::uint64_t>())
                                                                                 : refuse(range);
    if (v.is_number_integer()) {
      const std::int64_t i = v.get<std::int64_t>();
      const bool fits = limits::is_signed ? i >= static_cast<std::int64_t>(limits::min()) &&
                                                (limits::digits >= 63 || i <= static_cast<std::int64_t>(limits::max()))
                                          : i >= 0 && (limits::digits >= 64 || i <= static_cast<std::int64_t>(limits::max()));
      return fits ? static_cast<V>(i) : refuse(range);
    }
    const double d = v.get<double>();  // a float: only a whole value in range
    const bool fits = std::isfinite(d) && d == std::floor(d) && d >= static_cast<double>(limits::min()) &&
                      d < std::ldexp(1.0, limits::digits);
    return fits ? static_cast<V>(d) : refuse(range);
  } else {
    const double d = v.get<double>();
    return std::isfinite(d) && std::fabs(d) <= static_cast<double>(limits::max()) ? static_cast<V>(d)
                                                                               : refuse("a finite number");
  }
}

}  // namespace detail

template <class V>
V option(const nlohmann::json& options, const std::string& key, const V& fallback) {
  if (!options.is_object() || !options.contains(key) || options.at(key).is_null()) return fallback;
  const nlohmann::json& v = options.at(key);
  if constexpr (std::is_arithmetic_v<V> && !std::is_same_v<V, bool>) {
    return detail::checked_number<V>(v, key);
  } else {
    try {
      return v.get<V>();
    } catch (const nlohmann::json::exception&) {
      throw ConfigError("option '" + key + "' has the wrong type: got " + v.dump());
    }
  }
}

template <class V>
V required_option(const nlohmann::json& options, const std::string& key) {
  if (!options.is_object() || !options.contains(key))
    throw ConfigError("missing required option '" + key + "'");
  return option<V>(options, key, V{});
}

}  // namespace glassbox
