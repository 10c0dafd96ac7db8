#pragma once
// The built-in layers plugin, loaded once per test executable, a helper that makes a built
// layer from its JSON config, and small helpers the layer and explainer tests share.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

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

// A layer's parameter tensor by name ("kernel", "bias", ...).
inline Tensor& param(Layer& layer, const std::string& name) {
  for (auto& p : layer.params())
    if (p.name == name) return *p.value;
  throw std::runtime_error("no parameter " + name);
}

// The layers of a test network as the explainers take them.
inline std::vector<const Layer*> stack(const std::vector<std::unique_ptr<Layer>>& layers) {
  std::vector<const Layer*> out;
  for (const auto& l : layers) out.push_back(l.get());
  return out;
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
