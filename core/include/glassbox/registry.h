#pragma once
// Name -> factory maps, one per plugin family. Plugins fill them through their entry
// point; embedding code can add factories directly, without any shared library.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/error.h"
#include "glassbox/layer.h"
#include "glassbox/optimizer.h"

namespace glassbox {

// What a factory makes and which options it takes, so that forms (CLI help, web page)
// can be generated from the registry. `parameters` maps an option name to its schema
// entry {"type", "default", "help", and "choices", "min", "max", "required" where they
// apply}: options_schema() of the factory's option description (glassbox/option_spec.h),
// the same list its factory parses with.
struct FactoryInfo {
  std::string name;
  std::string description;
  nlohmann::json parameters = nlohmann::json::object();
  std::string origin;  // the plugin file, or "built-in"/"embedded"
};

template <class T>
class FactoryRegistry {
 public:
  using Product = T;
  using Factory = std::function<std::unique_ptr<T>(const nlohmann::json& options)>;

  explicit FactoryRegistry(std::string family) : family_(std::move(family)) {}

  // Throws PluginError when the name is taken, naming both origins.
  void add(FactoryInfo info, Factory factory);
  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  // Removes every factory added from `origin` (a plugin whose registration failed).
  void remove_origin(const std::string& origin);
  // Throws ConfigError naming the unknown name and the known ones.
  std::unique_ptr<T> create(const std::string& name, const nlohmann::json& options) const;
  const FactoryInfo& info(const std::string& name) const;
  std::vector<FactoryInfo> list() const;
  const std::string& family() const { return family_; }

 private:
  struct Entry {
    FactoryInfo info;
    Factory factory;
  };
  std::string family_;
  std::map<std::string, Entry> entries_;
};

struct LoadedPlugin {
  std::string name;
  std::string version;
  std::string path;
  std::vector<std::string> layers, optimizers, datasets;  // what it registered
};

class Registry {
 public:
  Registry();
  FactoryRegistry<Layer> layers{"layer"};
  FactoryRegistry<Optimizer> optimizers{"optimizer"};
  FactoryRegistry<DatasetSource> datasets{"dataset"};

  // The origin recorded for factories added from now on (set by the plugin loader).
  void set_origin(std::string origin) { origin_ = std::move(origin); }
  const std::string& origin() const { return origin_; }

  std::vector<LoadedPlugin>& plugins() { return plugins_; }
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }

  // A layer from a model's layer entry {"type": "...", ...}. "inputs" (a graph node's
  // inputs) is the model's key and is not passed to the factory (MyDeepLearning::add
  // checks and uses it), so a pre-check of an experiment's layers accepts graph nodes.
  std::unique_ptr<Layer> make_layer(const nlohmann::json& config) const;
  std::unique_ptr<Optimizer> make_optimizer(const nlohmann::json& config) const;

 private:
  std::string origin_ = "embedded";
  std::vector<LoadedPlugin> plugins_;
};

// Helpers for factories: read an option with a default, with type errors naming the key.
template <class V>
V option(const nlohmann::json& options, const std::string& key, const V& fallback);
template <class V>
V required_option(const nlohmann::json& options, const std::string& key);
// Throws ConfigError when options hold a key not in `known` (typo protection).
void check_known_keys(const nlohmann::json& options, const std::vector<std::string>& known,
                      const std::string& where);

}  // namespace glassbox

#include "glassbox/registry_impl.h"
