#include "glassbox/plugin_check.h"

#include "glassbox/error.h"

namespace glassbox {

using nlohmann::json;

std::string known_names(const std::vector<FactoryInfo>& list) {
  std::string s;
  for (const auto& f : list) s += (s.empty() ? "" : ", ") + f.name;
  return s;
}

namespace {

// 'name' for a string, the JSON text otherwise (a number where a name was expected).
std::string quoted(const json& name) { return name.is_string() ? "'" + name.get<std::string>() + "'" : name.dump(); }

void check_dataset(const json& data, const Registry& reg, const std::string& source) {
  if (!data.is_object() || !data.contains("dataset")) return;
  const json& name = data["dataset"];
  if (!name.is_string() || !reg.datasets.contains(name.get<std::string>()))
    throw ConfigError(source + ": data.dataset: unknown dataset " + quoted(name) +
                      " (known: " + known_names(reg.datasets.list()) + ")");
}

void check_layer(const json& layer, const Registry& reg, const std::string& where) {
  if (!layer.is_object()) throw ConfigError(where + ": expected a layer object {\"type\": ...}, got " + layer.dump());
  const json type = layer.value("type", json());
  if (!type.is_string() || !reg.layers.contains(type.get<std::string>()))
    throw ConfigError(where + ": unknown layer type " + quoted(type) + " (known: " + known_names(reg.layers.list()) + ")");
  try {
    (void)reg.make_layer(layer);  // the factory checks its options (unknown keys, types)
  } catch (const Error& e) {
    throw ConfigError(where + ": " + e.what());  // the factory's message starts with its name
  }
}

void check_optimizer(const json& o, const Registry& reg, const std::string& where) {
  const std::string type = o.is_string() ? o.get<std::string>() : o.is_object() ? o.value("type", "") : "";
  if (!reg.optimizers.contains(type))
    throw ConfigError(where + ": unknown optimizer '" + type + "' (known: " + known_names(reg.optimizers.list()) + ")");
  try {
    (void)reg.make_optimizer(o.is_string() ? json{{"type", type}} : o);
  } catch (const Error& e) {
    throw ConfigError(where + ": " + e.what());
  }
}

// config[a][b] when both are there, null otherwise.
const json* member(const json& config, const char* a, const char* b) {
  if (!config.contains(a) || !config[a].is_object() || !config[a].contains(b)) return nullptr;
  return &config[a][b];
}

}  // namespace

void check_experiment_plugins(const json& config, const Registry& reg, const std::string& source) {
  if (!config.is_object()) return;
  if (config.contains("data")) check_dataset(config["data"], reg, source);
  if (const json* layers = member(config, "model", "layers"); layers && layers->is_array())
    for (std::size_t i = 0; i < layers->size(); ++i)
      check_layer((*layers)[i], reg, source + ": model.layers." + std::to_string(i));
  if (const json* optimizer = member(config, "train", "optimizer"))
    check_optimizer(*optimizer, reg, source + ": train.optimizer");
}

}  // namespace glassbox
