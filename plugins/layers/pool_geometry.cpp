#include "pool_geometry.h"

#include <tuple>

#include "glassbox/shape_check.h"
#include "layer_support.h"

namespace glassbox::layers {

void PoolGeometry::read_options(const Layer& layer, const nlohmann::json& options) {
  std::tie(ph, pw) = pair_option(layer, options, "pool_size", {2, 2}, false);
  std::tie(sh, sw) = pair_option(layer, options, "strides", {ph, pw}, false);
  choice_option(layer, options, "padding", "valid", {"valid"});
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

void PoolGeometry::write_config(nlohmann::json& config) const {
  config["pool_size"] = {ph, pw};
  config["strides"] = {sh, sw};
  config["padding"] = "valid";
}

nlohmann::json PoolGeometry::schema() {
  return {
      {"pool_size", param("int|list", 2, "window: n or [height, width]")},
      {"strides", param("int|list", nullptr, "step: n or [height, width]; defaults to pool_size")},
      {"padding", param_choice("valid", {"valid"}, "only 'valid': windows that fit, sizes round down")},
  };
}

}  // namespace glassbox::layers
