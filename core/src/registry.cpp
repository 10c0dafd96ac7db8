#include "glassbox/registry.h"

#include <algorithm>

namespace glassbox {

Registry::Registry() = default;

std::unique_ptr<Layer> Registry::make_layer(const nlohmann::json& config) const {
  if (!config.is_object() || !config.contains("type") || !config.at("type").is_string())
    throw ConfigError("a layer needs a \"type\" string, got " + config.dump());
  if (!config.contains("inputs")) return layers.create(config.at("type").get<std::string>(), config);
  nlohmann::json options = config;
  options.erase("inputs");
  return layers.create(config.at("type").get<std::string>(), options);
}

std::unique_ptr<Optimizer> Registry::make_optimizer(const nlohmann::json& config) const {
  if (config.is_string()) return optimizers.create(config.get<std::string>(), nlohmann::json::object());
  if (!config.is_object() || !config.contains("type") || !config.at("type").is_string())
    throw ConfigError("an optimizer needs a \"type\" string, got " + config.dump());
  return optimizers.create(config.at("type").get<std::string>(), config);
}

void check_known_keys(const nlohmann::json& options, const std::vector<std::string>& known,
                      const std::string& where) {
  if (options.is_null()) return;
  if (!options.is_object()) throw ConfigError(where + ": expected an object, got " + options.dump());
  for (const auto& [key, value] : options.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw ConfigError(where + ": unknown key '" + key + "' (expected one of: " + list + ")");
    }
  }
}

}  // namespace glassbox
