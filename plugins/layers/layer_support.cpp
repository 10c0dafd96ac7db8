#include "layer_support.h"

#include <algorithm>

#include "glassbox/activation.h"
#include "glassbox/initializers.h"

namespace glassbox::layers {

using nlohmann::json;

std::string label(const Layer& layer) { return layer.name().empty() ? layer.type() : layer.name(); }

json read_layer_options(Layer& layer, const std::string& type, const json& options,
                        const std::vector<OptionSpec>& spec) {
  const bool object = options.is_object();
  if (object && options.contains("name")) {
    if (!options.at("name").is_string())
      throw ConfigError("layer " + type + ": \"name\" must be a string, got " + options.at("name").dump());
    layer.set_name(options.at("name").get<std::string>());
  }
  const std::string where = layer.name().empty() ? type : layer.name() + " (" + type + ")";
  if (object && options.contains("type") && (!options.at("type").is_string() || options.at("type").get<std::string>() != type))
    throw ConfigError(where + ": \"type\" is " + options.at("type").dump() + " but this factory makes '" + type + "'");
  return read_options(spec, options, where, {"type", "name"});
}

json layer_config(const Layer& layer, const json& values) {
  json c{{"type", layer.type()}, {"name", layer.name()}};
  for (const auto& [k, v] : values.items()) c[k] = v;
  return c;
}

void add_layer(Registry& registry, const std::string& name, const std::string& description,
               const std::vector<OptionSpec>& spec, FactoryRegistry<Layer>::Factory make) {
  registry.layers.add({name, description, options_schema(spec), registry.origin()}, std::move(make));
}

std::pair<std::size_t, std::size_t> size_pair(const json& value) {
  return {value.at(0).get<std::size_t>(), value.at(1).get<std::size_t>()};
}

std::vector<OptionSpec> with_linear_options(std::vector<OptionSpec> own, const std::vector<std::string>& activations,
                                            const std::string& bias_help) {
  const auto choice = [](const char* name, const char* fallback, std::vector<std::string> choices, const char* help) {
    OptionSpec o{name, "string", fallback, -kUnbounded, kUnbounded, help};
    o.choices = std::move(choices);
    return o;
  };
  own.push_back(choice("activation", "linear", activations, "fused activation"));
  own.push_back({"use_bias", "bool", true, -kUnbounded, kUnbounded, bias_help});
  own.push_back(choice("kernel_initializer", "glorot_uniform", initializer_names(), "kernel initializer"));
  own.push_back(choice("bias_initializer", "zeros", initializer_names(), "bias initializer"));
  return own;
}

LinearOptions linear_options(const json& values) {
  LinearOptions o;
  o.activation = activation_from_string(values.at("activation").get<std::string>());
  o.use_bias = values.at("use_bias").get<bool>();
  o.kernel_init = values.at("kernel_initializer").get<std::string>();
  o.bias_init = values.at("bias_initializer").get<std::string>();
  return o;
}

void ensure_shape(Tensor& t, const Shape& shape) {
  if (t.dimension() == shape.size() && std::equal(shape.begin(), shape.end(), t.shape().begin()))
    return;
  t.resize(shape);
}

void check_batch(const Layer& layer, const Tensor& x, const Shape& sample, const char* what) {
  bool ok = x.dimension() == sample.size() + 1;
  for (std::size_t i = 0; ok && i < sample.size(); ++i) ok = x.shape(i + 1) == sample[i];
  if (!ok) {
    throw Error(label(layer) + ": " + what + " expects a batch of shape " +
                shape_to_string(batch_shape(0, sample)).replace(1, 1, "N") + ", got " +
                shape_to_string(shape_of(x)));
  }
}

void check_grad(const Layer& layer, const Tensor& grad, const Tensor& output) {
  if (output.size() == 0 && grad.size() != 0)
    throw Error(label(layer) + ": backward called before forward");
  if (grad.dimension() != output.dimension() ||
      !std::equal(output.shape().begin(), output.shape().end(), grad.shape().begin())) {
    throw Error(label(layer) + ": backward expects a gradient of the last output's shape " +
                shape_to_string(shape_of(output)) + ", got " +
                shape_to_string(shape_of(grad)));
  }
}

}  // namespace glassbox::layers
