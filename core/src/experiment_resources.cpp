#include "glassbox/experiment_resources.h"

#include "glassbox/error.h"
#include "glassbox/experiment_data.h"
#include "glassbox/model_memory.h"

namespace glassbox {

using nlohmann::json;

void build_experiment_model(const Experiment& e, MyDeepLearning& model, const Shape& sample) {
  const json& section = e.section("model");
  if (!section.contains("layers") || !section["layers"].is_array() || section["layers"].empty())
    throw ConfigError(e.source + ": model.layers: the model needs at least one layer");
  if (section.contains("input_shape")) {
    Shape declared;
    try {
      declared = section["input_shape"].get<Shape>();
    } catch (const json::exception&) {
      throw ConfigError(e.source + ": model.input_shape must be a list of sizes, got " + section["input_shape"].dump());
    }
    if (declared != sample)
      throw ConfigError(e.source + ": model.input_shape is " + shape_to_string(declared) + " but the data's samples are " +
                        shape_to_string(sample));
  }
  const json& layers = section["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    try {
      model.add(layers[i]);
    } catch (const ConfigError& err) {
      throw ConfigError(e.source + ": model.layers." + std::to_string(i) + ": " + err.what());
    }
  }
  try {
    model.build(sample);
  } catch (const ConfigError& err) {
    throw ConfigError(e.source + ": model.layers: " + err.what());
  }
}

std::size_t experiment_batch_size(const Experiment& e) {
  const json& train = e.section("train");
  if (!train.is_object() || !train.contains("batch_size")) return 32;
  const json& v = train["batch_size"];
  if (!v.is_number_integer() || v.get<long long>() <= 0)
    throw ConfigError(e.source + ": train.batch_size: expected a positive integer, got " + v.dump());
  return static_cast<std::size_t>(v.get<long long>());
}

DatasetInfo check_experiment_data(const Experiment& e, const Registry& registry) {
  try {
    return describe_experiment_data(e.section("data"), registry, e.source);
  } catch (const DataError& err) {
    throw ConfigError(e.source + ": data: " + err.what());
  }
}

void check_experiment_resources(const Experiment& e, const Registry& registry) {
  const DatasetInfo info = check_experiment_data(e, registry);
  if (!info.available || info.sample_shape.empty()) return;  // the job reports what is missing
  MyDeepLearning model(registry, e.seed());
  build_experiment_model(e, model, info.sample_shape);
  check_training_memory(model, experiment_batch_size(e), e.source);
}

}  // namespace glassbox
