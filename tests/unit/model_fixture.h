#pragma once
// What the model tests share: a registry with the built-in layers and optimizers, and
// small in-memory classification problems whose answers are known.
#include <memory>
#include <random>

#include "glassbox/dataset.h"
#include "glassbox/model.h"
#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

namespace glassbox::testing {

inline const Registry& model_registry() {
  static const std::unique_ptr<Registry> r = [] {
    auto reg = std::make_unique<Registry>();
    load_plugin(*reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_layers.so");
    load_plugin(*reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_optimizers.so");
    return reg;
  }();
  return *r;
}

// The three built-in families: layers, optimizers and datasets.
inline const Registry& builtin_registry() {
  static const std::unique_ptr<Registry> r = [] {
    auto reg = std::make_unique<Registry>();
    for (const char* lib : {"layers", "optimizers", "datasets"})
      load_plugin(*reg, std::string(GLASSBOX_TEST_PLUGIN_DIR) + "/libglassbox_" + lib + ".so");
    return reg;
  }();
  return *r;
}

// `classes` Gaussian blobs in `dim` dimensions, centres on the axes at distance 3,
// unit noise: linearly separable enough that a small MLP gets well above 90%.
inline LabeledData blobs(std::size_t n, std::size_t dim, int classes, unsigned long long seed) {
  Rng rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(n * dim);
  std::vector<int> y(n);
  std::vector<std::string> names;
  for (int c = 0; c < classes; ++c) names.push_back("class " + std::to_string(c));
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<int>(i % classes);
    for (std::size_t d = 0; d < dim; ++d) x[i * dim + d] = noise(rng) + (d == static_cast<std::size_t>(y[i]) ? 3.0f : 0.0f);
  }
  return LabeledData({dim}, std::move(x), std::move(y), names);
}

// Tiny 1x8x8 images: class c has a bright 3x3 square in corner c (4 classes), noise elsewhere.
inline LabeledData corner_images(std::size_t n, unsigned long long seed) {
  Rng rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 0.4f);
  std::vector<float> x(n * 64);
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int c = static_cast<int>(i % 4);
    y[i] = c;
    float* img = x.data() + i * 64;
    for (int p = 0; p < 64; ++p) img[p] = u(rng);
    const int r0 = (c / 2) * 5, c0 = (c % 2) * 5;
    for (int r = r0; r < r0 + 3; ++r)
      for (int k = c0; k < c0 + 3; ++k) img[r * 8 + k] = 1.0f;
  }
  return LabeledData({1, 8, 8}, std::move(x), std::move(y), {"tl", "tr", "bl", "br"});
}

}  // namespace glassbox::testing
