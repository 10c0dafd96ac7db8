// The dry run behind POST /api/check: the experiment's model built layer by layer for
// its dataset's sample shape (read from the dataset's header, nothing is loaded or
// trained), so the builder can print each layer's output shape and parameter count, and
// a shape that does not fit is reported at the layer it happens.
#include <mutex>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/experiment_data.h"
#include "glassbox/model.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

// The per-sample input shape the dataset would give this experiment.
Shape sample_shape_of(const json& data, const Registry& reg, const std::string& source) {
  const std::string name = data["dataset"].get<std::string>();
  const json opts = dataset_options(data, source);
  DatasetInfo info;
  try {
    info = reg.datasets.create(name, opts)->describe(opts);
  } catch (const Error& e) {
    throw ConfigError(source + ": data: " + e.what());
  }
  if (!info.available)
    throw ConfigError(source + ": data.dataset: '" + name + "' is not installed on this server" +
                      (info.install_hint.empty() ? std::string() : " (" + info.install_hint + ")"));
  if (info.sample_shape.empty())
    throw ConfigError(source + ": data.dataset: '" + name + "' does not state its sample shape");
  return info.sample_shape;
}

// A graph is built whole (each node's shapes follow from its inputs, not from the layer
// before it); a node that does not fit is named by build()'s message. Each row also lists
// the node's inputs.
json graph_shapes(MyDeepLearning& model, const json& layers, const Shape& input, const std::string& source) {
  try {
    model.build(input);
  } catch (const Error& e) {
    throw ConfigError(source + ": model.layers: " + e.what());
  }
  json out = {{"input_shape", input}, {"layers", json::array()}};
  std::size_t total = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Layer& layer = model.layer(i);
    total += layer.param_count();
    out["layers"].push_back({{"index", i}, {"name", layer.name()}, {"type", layers[i].value("type", "")},
                             {"inputs", model.layer_input_names(i)}, {"input_shape", model.layer_input_shape(i)},
                             {"output_shape", model.layer_output_shape(i)}, {"params", layer.param_count()}});
  }
  out["output_shape"] = model.output_shape();
  out["params"] = total;
  return out;
}

}  // namespace

json check_model_shapes(const json& config, const Registry& reg, const std::string& source) {
  const json& data = config["data"];
  const Shape input = sample_shape_of(data, reg, source);
  const json& layers = config["model"]["layers"];
  // One dry run at a time: building allocates the parameters (a large dense layer can
  // take a gigabyte, within max_parameter_bytes), and the page checks as the user types.
  static std::mutex one_at_a_time;
  std::lock_guard<std::mutex> lock(one_at_a_time);
  MyDeepLearning model(reg, config.value("seed", 42ULL));
  for (std::size_t i = 0; i < layers.size(); ++i) {
    try {
      model.add(layers[i]);
    } catch (const Error& e) {
      throw ConfigError(source + ": model.layers." + std::to_string(i) + ": " + e.what());
    }
  }
  if (model.is_graph()) return graph_shapes(model, layers, input, source);
  json out = {{"input_shape", input}, {"layers", json::array()}};
  Shape shape = input;
  std::size_t total = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer& layer = model.layer(i);
    const Shape in = shape;
    try {
      shape = layer.build(in, model.rng());
    } catch (const Error& e) {
      throw ConfigError(source + ": model.layers." + std::to_string(i) + " (" + layer.name() + ", input " +
                        shape_to_string(in) + "): " + e.what());
    }
    const std::size_t params = layer.param_count();
    total += params;
    out["layers"].push_back({{"index", i}, {"name", layer.name()}, {"type", layers[i].value("type", "")},
                             {"input_shape", in}, {"output_shape", shape}, {"params", params}});
  }
  out["output_shape"] = shape;
  out["params"] = total;
  return out;
}

}  // namespace glassbox::server
