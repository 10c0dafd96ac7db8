#pragma once
// Template definitions for registry.h.
#include <sstream>

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

template <class V>
V option(const nlohmann::json& options, const std::string& key, const V& fallback) {
  if (!options.is_object() || !options.contains(key) || options.at(key).is_null()) return fallback;
  try {
    return options.at(key).get<V>();
  } catch (const nlohmann::json::exception&) {
    throw ConfigError("option '" + key + "' has the wrong type: got " + options.at(key).dump());
  }
}

template <class V>
V required_option(const nlohmann::json& options, const std::string& key) {
  if (!options.is_object() || !options.contains(key))
    throw ConfigError("missing required option '" + key + "'");
  return option<V>(options, key, V{});
}

}  // namespace glassbox
