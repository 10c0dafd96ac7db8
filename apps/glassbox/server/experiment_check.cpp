// Validation of an experiment sent to the server, beyond the schema of parse_experiment:
// every plugin it names exists and accepts its options, and its sizes suit a shared
// machine. Errors are ConfigError naming the key path, answered as 400.
#include "glassbox/error.h"
#include "glassbox/plugin_check.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

void check_range(const json& section, const char* key, long lo, long hi, const std::string& where) {
  if (!section.contains(key)) return;
  const json& v = section[key];
  if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
    throw ConfigError(where + "." + key + ": expected an integer in [" + std::to_string(lo) + ", " +
                      std::to_string(hi) + "], got " + v.dump());
}

}  // namespace

void check_experiment_factories(const json& config, const Registry& reg, const std::string& source) {
  const json empty = json::object();
  const json& data = config.contains("data") ? config["data"] : empty;
  const json& model = config.contains("model") ? config["model"] : empty;
  const json& train = config.contains("train") ? config["train"] : empty;

  if (!data.contains("dataset") || !data["dataset"].is_string())
    throw ConfigError(source + ": data.dataset: name a dataset (known: " + known_names(reg.datasets.list()) + ")");
  if (data.contains("classes")) {
    const json& c = data["classes"];
    if (!c.is_array() || c.empty())
      throw ConfigError(source + ": data.classes: expected a non-empty list of class ids, got " + c.dump());
    for (std::size_t i = 0; i < c.size(); ++i)
      if (!c[i].is_number_integer() || c[i].get<long long>() < 0)
        throw ConfigError(source + ": data.classes." + std::to_string(i) + ": expected a class id, got " + c[i].dump());
  }

  if (!model.contains("layers") || !model["layers"].is_array() || model["layers"].empty())
    throw ConfigError(source + ": model.layers: the model needs at least one layer");
  if (model["layers"].size() > 64) throw ConfigError(source + ": model.layers: at most 64 layers on this server");
  check_experiment_plugins(config, reg, source);  // the checks of `glassbox run`
  check_range(train, "epochs", 1, 1000, source + ": train");
  check_range(train, "batch_size", 1, 65536, source + ": train");
}

}  // namespace glassbox::server
