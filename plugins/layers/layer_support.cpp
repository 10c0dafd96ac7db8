#include "layer_support.h"

#include <algorithm>

#include "glassbox/initializers.h"

namespace glassbox::layers {

std::string label(const Layer& layer) { return layer.name().empty() ? layer.type() : layer.name(); }

void apply_common_options(Layer& layer, const std::string& type, const nlohmann::json& options,
                          std::vector<std::string> known) {
  known.insert(known.begin(), {"type", "name"});
  std::string where = type;
  if (options.is_object() && options.contains("name") && options.at("name").is_string())
    where = options.at("name").get<std::string>();
  check_known_keys(options, known, "layer " + where + " (" + type + ")");
  if (options.is_object() && options.contains("name")) {
    if (!options.at("name").is_string())
      throw ConfigError("layer " + type + ": \"name\" must be a string, got " + options.at("name").dump());
    layer.set_name(options.at("name").get<std::string>());
  }
  if (options.is_object() && options.contains("type") &&
      (!options.at("type").is_string() || options.at("type").get<std::string>() != type))
    throw ConfigError("layer " + where + ": \"type\" is " + options.at("type").dump() +
                      " but this factory makes '" + type + "'");
}

std::size_t positive_int_option(const Layer& layer, const nlohmann::json& options,
                                const std::string& key, long fallback, bool required) {
  if (required && !(options.is_object() && options.contains(key)))
    throw ConfigError(label(layer) + ": missing required option '" + key + "'");
  if (options.is_object() && options.contains(key) && !options.at(key).is_number_integer())
    throw ConfigError(label(layer) + ": option '" + key + "' must be a positive integer, got " +
                      options.at(key).dump());
  long v = layer_option<long>(layer, options, key, fallback);
  if (v <= 0)
    throw ConfigError(label(layer) + ": option '" + key + "' must be a positive integer, got " +
                      std::to_string(v));
  return static_cast<std::size_t>(v);
}

std::pair<std::size_t, std::size_t> pair_option(const Layer& layer, const nlohmann::json& options,
                                                const std::string& key,
                                                std::pair<std::size_t, std::size_t> fallback,
                                                bool required) {
  const bool present = options.is_object() && options.contains(key) && !options.at(key).is_null();
  if (!present) {
    if (required) throw ConfigError(label(layer) + ": missing required option '" + key + "'");
    return fallback;
  }
  const auto& v = options.at(key);
  auto bad = [&]() {
    return ConfigError(label(layer) + ": option '" + key +
                       "' must be a positive integer or a list [height, width] of them, got " +
                       v.dump());
  };
  if (v.is_number_integer()) {
    if (v.get<long>() <= 0) throw bad();
    auto n = static_cast<std::size_t>(v.get<long>());
    return {n, n};
  }
  if (v.is_array() && v.size() == 2 && v[0].is_number_integer() && v[1].is_number_integer()) {
    if (v[0].get<long>() <= 0 || v[1].get<long>() <= 0) throw bad();
    return {static_cast<std::size_t>(v[0].get<long>()), static_cast<std::size_t>(v[1].get<long>())};
  }
  throw bad();
}

std::string choice_option(const Layer& layer, const nlohmann::json& options,
                          const std::string& key, const std::string& fallback,
                          const std::vector<std::string>& allowed) {
  auto v = layer_option<std::string>(layer, options, key, fallback);
  if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    throw ConfigError(label(layer) + ": option '" + key + "' is '" + v + "' (expected one of: " +
                      list + ")");
  }
  return v;
}

std::string initializer_option(const Layer& layer, const nlohmann::json& options,
                               const std::string& key, const std::string& fallback) {
  return choice_option(layer, options, key, fallback, initializer_names());
}

Shape tensor_shape(const Tensor& t) { return Shape(t.shape().begin(), t.shape().end()); }

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
                shape_to_string(tensor_shape(x)));
  }
}

void check_grad(const Layer& layer, const Tensor& grad, const Tensor& output) {
  if (output.size() == 0 && grad.size() != 0)
    throw Error(label(layer) + ": backward called before forward");
  if (grad.dimension() != output.dimension() ||
      !std::equal(output.shape().begin(), output.shape().end(), grad.shape().begin())) {
    throw Error(label(layer) + ": backward expects a gradient of the last output's shape " +
                shape_to_string(tensor_shape(output)) + ", got " +
                shape_to_string(tensor_shape(grad)));
  }
}

nlohmann::json param(const std::string& type, const nlohmann::json& fallback,
                     const std::string& help) {
  return {{"type", type}, {"default", fallback}, {"help", help}};
}

nlohmann::json param_choice(const nlohmann::json& fallback, const std::vector<std::string>& choices,
                            const std::string& help) {
  return {{"type", "string"}, {"default", fallback}, {"choices", choices}, {"help", help}};
}

}  // namespace glassbox::layers
