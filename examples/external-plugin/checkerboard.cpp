// A 2-D checkerboard: points in [0,1)^2, class = parity of the cell, seeded.
#include "example.h"

namespace example {

namespace {

class Checkerboard : public glassbox::DatasetSource {
 public:
  std::string type() const override { return "checkerboard"; }

  glassbox::DatasetInfo describe(const nlohmann::json& options) const override {
    glassbox::DatasetInfo info;
    info.name = "checkerboard";
    info.description = "points in the unit square, class = parity of their cell (example plugin)";
    info.sample_shape = {2};
    info.train_size = glassbox::option<std::size_t>(options, "samples", 2000);
    info.test_size = info.train_size / 4;
    info.class_names = {"even", "odd"};
    info.location = "generated";
    return info;
  }

  glassbox::DatasetSplits load(const nlohmann::json& options) const override {
    const auto n = glassbox::option<std::size_t>(options, "samples", 2000);
    const auto cells = glassbox::option<int>(options, "cells", 4);
    glassbox::Rng rng(glassbox::option<unsigned long long>(options, "seed", 1));
    auto make = [&](std::size_t count) {
      std::vector<float> x(count * 2);
      std::vector<int> y(count);
      for (std::size_t i = 0; i < count; ++i) {
        // 24 random bits per coordinate: identical on every platform.
        x[2 * i] = static_cast<float>(rng() >> 40) / 16777216.0f;
        x[2 * i + 1] = static_cast<float>(rng() >> 40) / 16777216.0f;
        y[i] = (static_cast<int>(x[2 * i] * cells) + static_cast<int>(x[2 * i + 1] * cells)) % 2;
      }
      return glassbox::LabeledData({2}, std::move(x), std::move(y), {"even", "odd"});
    };
    glassbox::DatasetSplits s;
    s.train = make(n);
    s.test = make(n / 4);
    return s;
  }
};

}  // namespace

void register_checkerboard(glassbox::Registry& registry) {
  registry.datasets.add(
      {"checkerboard", "2-D checkerboard points (example plugin)",
       {{"samples", {{"type", "int"}, {"default", 2000}, {"help", "training points"}}},
        {"cells", {{"type", "int"}, {"default", 4}, {"help", "cells per side"}}}},
       registry.origin()},
      [](const nlohmann::json&) { return std::unique_ptr<glassbox::DatasetSource>(std::make_unique<Checkerboard>()); });
}

}  // namespace example
