// The dry run behind POST /api/check: the experiment's model built for its dataset's
// sample shape (from the dataset's description; nothing is loaded or trained), so the
// builder can print each layer's output shape and parameter count, and a shape that does
// not fit is reported at the layer it happens.
#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/model.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

// The per-sample input shape the data's description gives.
Shape sample_shape_of(const Experiment& e, const DatasetInfo& info) {
  const std::string name = e.section("data").value("dataset", "");
  if (!info.available)
    throw ConfigError(e.source + ": data.dataset: '" + name + "' is not installed on this server" +
                      (info.install_hint.empty() ? std::string() : " (" + info.install_hint + ")"));
  if (info.sample_shape.empty())
    throw ConfigError(e.source + ": data.dataset: '" + name + "' does not state its sample shape");
  return info.sample_shape;
}

// Each row from the built model; a graph's rows also list each node's inputs.
json layer_table(const MyDeepLearning& model, const json& layers, const Shape& input) {
  json out = {{"input_shape", input}, {"layers", json::array()}};
  std::size_t total = 0;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Layer& layer = model.layer(i);
    total += layer.param_count();
    json row = {{"index", i}, {"name", layer.name()}, {"type", layers[i].value("type", "")},
                {"input_shape", model.layer_input_shape(i)}, {"output_shape", model.layer_output_shape(i)},
                {"params", layer.param_count()}};
    if (model.is_graph()) row["inputs"] = model.layer_input_names(i);
    out["layers"].push_back(row);
  }
  out["output_shape"] = model.output_shape();
  out["params"] = total;
  return out;
}

// After a chain failed to build: builds its layers one by one from `input` to name the
// first that does not fit with the shape it was given, as the builder shows it.
[[noreturn]] void name_the_layer_that_does_not_fit(MyDeepLearning& model, const Shape& input, const Error& failure,
                                                   const std::string& source) {
  Shape shape = input;
  for (std::size_t i = 0; i < model.size(); ++i) {
    Layer& layer = model.layer(i);
    const Shape in = shape;
    try {
      shape = layer.build(in, model.rng());
    } catch (const Error& err) {
      throw ConfigError(source + ": model.layers." + std::to_string(i) + " (" + layer.name() + ", input " +
                        shape_to_string(in) + "): " + err.what());
    }
  }
  throw ConfigError(source + ": model.layers: " + failure.what());
}

}  // namespace

json check_model_shapes(const Experiment& e, const DatasetInfo& info, MyDeepLearning& model) {
  const Shape input = sample_shape_of(e, info);
  const json& layers = e.section("model")["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    try {
      model.add(layers[i]);
    } catch (const Error& err) {
      throw ConfigError(e.source + ": model.layers." + std::to_string(i) + ": " + err.what());
    }
  }
  try {
    model.build(input);  // a graph whole: each node's shapes follow from its inputs
  } catch (const Error& err) {
    if (model.is_graph()) throw ConfigError(e.source + ": model.layers: " + err.what());  // build() names the node
    name_the_layer_that_does_not_fit(model, input, err, e.source);
  }
  return layer_table(model, layers, input);
}

}  // namespace glassbox::server
