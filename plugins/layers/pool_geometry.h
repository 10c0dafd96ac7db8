#pragma once
// Window geometry shared by max_pool2d and avg_pool2d: options pool_size (default 2),
// strides (default pool_size), padding "valid" only. Output sizes round down as in
// PyTorch and Keras: (H - pool) / stride + 1, so 11x11 pooled by 2 gives 5x5.
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/layer.h"

namespace glassbox::layers {

struct PoolGeometry {
  std::size_t c = 0, h = 0, w = 0;   // input
  std::size_t ph = 2, pw = 2, sh = 2, sw = 2;
  std::size_t oh = 0, ow = 0;        // output

  // Reads pool_size/strides/padding (after apply_common_options).
  void read_options(const Layer& layer, const nlohmann::json& options);
  // Sets the input and output sizes; throws ConfigError naming the layer when the input
  // is not (C, H, W) or smaller than the window.
  Shape build(const Layer& layer, const Shape& input_shape);
  void write_config(nlohmann::json& config) const;
  static nlohmann::json schema();
};

}  // namespace glassbox::layers
