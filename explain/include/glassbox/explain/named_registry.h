#pragma once
// Name -> factory maps of the explain library (LRP rules, composites, attribution methods),
// in the style of glassbox::FactoryRegistry (registry.h): a FactoryInfo per entry (name,
// description, parameter schema, origin), a PluginError for a name registered twice, a
// ConfigError naming the known names for an unknown one. Unlike FactoryRegistry, an entry
// may have aliases, and list() keeps the order of registration (built-ins first, in the
// order the documentation gives them).
//
// The explain registries are process-wide (explain/src/*: rule_registry(), ...) with the
// built-ins added on first use; a plugin adds to them from its register function
// (docs/plugins.md), an embedding program from anywhere. Register before explaining from
// several threads: lookups and additions are serialized, but a lookup returns a reference
// that an add() never invalidates and a remove_origin() may.
#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "glassbox/error.h"
#include "glassbox/registry.h"

namespace glassbox::explain {

template <class Factory>
class NamedRegistry {
 public:
  explicit NamedRegistry(std::string family) : family_(std::move(family)) {}

  // Throws PluginError when the name or an alias is taken, naming both origins.
  void add(FactoryInfo info, Factory factory, std::vector<std::string> aliases = {}) {
    std::lock_guard<std::mutex> lock(mutex_);
    aliases.push_back(info.name);
    for (const auto& a : aliases) {
      auto taken = names_.find(a);
      if (taken != names_.end())
        throw PluginError(family_ + " '" + a + "' is registered twice: by " +
                          entries_.at(taken->second).info.origin + " and by " + info.origin);
    }
    const std::string name = info.name;
    for (const auto& a : aliases) names_[a] = name;
    order_.push_back(name);
    entries_.emplace(name, Entry{std::move(info), std::move(factory)});
  }

  bool contains(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return names_.count(name) != 0;
  }

  // The entry of a name or alias; throws ConfigError "<where>: unknown <family> 'x'
  // (known: ...)".
  const FactoryInfo& info(const std::string& name, const std::string& where) const { return entry(name, where).info; }
  const Factory& factory(const std::string& name, const std::string& where) const { return entry(name, where).factory; }

  std::vector<FactoryInfo> list() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<FactoryInfo> out;
    for (const auto& n : order_) out.push_back(entries_.at(n).info);
    return out;
  }
  std::vector<std::string> names() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return order_;
  }
  // "a, b, c"
  std::string known() const {
    std::string s;
    for (const auto& n : names()) s += (s.empty() ? "" : ", ") + n;
    return s;
  }

  // Removes every entry added from `origin` (a plugin whose registration failed).
  void remove_origin(const std::string& origin) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.info.origin != origin) { ++it; continue; }
      const std::string name = it->first;
      for (auto a = names_.begin(); a != names_.end();) a = a->second == name ? names_.erase(a) : std::next(a);
      order_.erase(std::remove(order_.begin(), order_.end(), name), order_.end());
      it = entries_.erase(it);
    }
  }

  const std::string& family() const { return family_; }

 private:
  struct Entry {
    FactoryInfo info;
    Factory factory;
  };
  const Entry& entry(const std::string& name, const std::string& where) const {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto n = names_.find(name);
      if (n != names_.end()) return entries_.at(n->second);
    }
    throw ConfigError(where + ": unknown " + family_ + " '" + name + "' (known: " + known() + ")");
  }

  std::string family_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> names_;  // name or alias -> name
  std::map<std::string, Entry> entries_;
  std::vector<std::string> order_;
};

}  // namespace glassbox::explain
