#pragma once
// The built-in layers plugin, loaded once per test executable, and a helper that makes a
// built layer from its JSON config.
#include <memory>

#include <nlohmann/json.hpp>

#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

namespace glassbox::testing {

inline const Registry& layer_registry() {
  static const std::unique_ptr<Registry> registry = [] {
    auto r = std::make_unique<Registry>();
    load_plugin(*r, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_layers.so");
    return r;
  }();
  return *registry;
}

inline std::unique_ptr<Layer> make_layer(const nlohmann::json& config, const Shape& input_shape,
                                         unsigned long long seed = 42) {
  auto layer = layer_registry().make_layer(config);
  Rng rng(seed);
  layer->build(input_shape, rng);
  return layer;
}

// Uniform random batch in [lo, hi).
inline Tensor random_tensor(const Shape& shape, unsigned long long seed, float lo = -1.0f,
                            float hi = 1.0f) {
  Rng rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  Tensor t = Tensor::from_shape(shape);
  for (auto& v : t) v = d(rng);
  return t;
}

}  // namespace glassbox::testing
