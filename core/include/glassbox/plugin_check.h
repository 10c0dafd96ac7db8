#pragma once
// The check made before an experiment is run or queued: every plugin it names is
// registered and accepts its options. `glassbox run` (and --check) and the web server's
// submission and dry run call this one function, so both answer with the same message.
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/registry.h"

namespace glassbox {

// Checks, when present: data.dataset (a registered dataset), each model.layers.N (a
// registered layer type whose factory accepts the entry's options; a graph node's
// "inputs" is the model's key and is left to MyDeepLearning::add) and train.optimizer
// (a name, or an object with "type" and options). Missing keys are not an error here:
// the schema and the defaults decide those.
// Throws ConfigError "<source>: data.dataset: unknown dataset 'x' (known: a, b)",
// "<source>: model.layers.<i>: unknown layer type 'x' (known: ...)",
// "<source>: model.layers.<i>: <the factory's message>" (which names the layer type),
// and the same two forms for train.optimizer.
void check_experiment_plugins(const nlohmann::json& config, const Registry& registry, const std::string& source);

// "a, b, c": the names of a registry family, for "(known: ...)" in messages.
std::string known_names(const std::vector<FactoryInfo>& list);

}  // namespace glassbox
