#include "pool_geometry.h"

#include <tuple>

#include "glassbox/shape_check.h"
#include "layer_support.h"

namespace glassbox::layers {

void PoolGeometry::read_options(Layer& layer, const std::string& type, const nlohmann::json& options) {
  values = read_layer_options(layer, type, options, PoolGeometry::options());
  if (!values.contains("strides")) values["strides"] = values.at("pool_size");
  std::tie(ph, pw) = size_pair(values.at("pool_size"));
  std::tie(sh, sw) = size_pair(values.at("strides"));
}

Shape PoolGeometry::build(const Layer& layer, const Shape& input_shape) {
  if (input_shape.size() != 3) {
    throw ConfigError(label(layer) + ": expects images (channels, height, width), got " +
                      shape_to_string(input_shape));
  }
  // The model checks every shape it passes; this guards direct callers of build().
  (void)checked_element_count(input_shape, label(layer) + ": input");
  c = input_shape[0];
  h = input_shape[1];
  w = input_shape[2];
  if (h < ph || w < pw) {
    throw ConfigError(label(layer) + ": pool window " + shape_to_string({ph, pw}) +
                      " is larger than the input " + shape_to_string(input_shape));
  }
  oh = (h - ph) / sh + 1;
  ow = (w - pw) / sw + 1;
  return {c, oh, ow};
}

const std::vector<OptionSpec>& PoolGeometry::options() {
  static const std::vector<OptionSpec> options = [] {
    OptionSpec padding{"padding", "string", "valid", -kUnbounded, kUnbounded,
                       "only 'valid': windows that fit, sizes round down"};
    padding.choices = {"valid"};
    return std::vector<OptionSpec>{
        {"pool_size", "int|list", 2, 1, kUnbounded, "window: n or [height, width]"},
        {"strides", "int|list", nullptr, 1, kUnbounded, "step: n or [height, width]; defaults to pool_size"},
        padding};
  }();
  return options;
}

}  // namespace glassbox::layers
