// synthetic: generated 1x28x28 images whose class is planted as a bright 6x6 patch, so the
// right explanation is known: the evidence for class k lies in its patch and nowhere else.
//
// Geometry (0-based rows/columns): class k in 0..15 sits in cell (k / 4, k % 4) of a 4x4
// grid of 7x7 cells; its patch covers rows 7*(k/4)+1 .. 7*(k/4)+6 and columns
// 7*(k%4)+1 .. 7*(k%4)+6 (inclusive). Patch pixels are 1.0; every other pixel is
// uniform noise in [0, noise]. Sample i of a split has class i % num_classes.
#include "glassbox/error.h"
#include "glassbox/registry.h"
#include "glassbox/sample_split.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

constexpr std::size_t kSide = 28, kCell = 7, kPatch = 6;

LabeledData generate(std::size_t n, std::size_t num_classes, double noise, std::uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<float> px(n * kSide * kSide);
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t k = i % num_classes;
    labels[i] = static_cast<int>(k);
    float* img = px.data() + i * kSide * kSide;
    for (std::size_t p = 0; p < kSide * kSide; ++p) img[p] = static_cast<float>(noise * rng.uniform());
    const std::size_t r0 = kCell * (k / 4) + 1, c0 = kCell * (k % 4) + 1;
    for (std::size_t r = r0; r < r0 + kPatch; ++r)
      for (std::size_t c = c0; c < c0 + kPatch; ++c) img[r * kSide + c] = 1.0f;
  }
  return LabeledData({1, kSide, kSide}, std::move(px), std::move(labels), numbered_class_names(num_classes));
}

struct Params {
  std::size_t num_classes, samples, test_samples;
  double noise;
  std::uint64_t seed;
};

// The options as the plugin's description read them (ranges checked there).
Params params(const nlohmann::json& options) {
  Params p;
  p.num_classes = required_option<std::size_t>(options, "num_classes");
  p.samples = required_option<std::size_t>(options, "samples");
  p.test_samples = required_option<std::size_t>(options, "test_samples");
  p.noise = required_option<double>(options, "noise");
  p.seed = required_option<std::uint64_t>(options, "data_seed");
  return p;
}

class Synthetic : public DatasetSource {
 public:
  std::string type() const override { return "synthetic"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    const Params p = params(options);
    DatasetInfo info;
    info.name = "synthetic";
    info.description =
        "generated 1x28x28 images, noise in [0, noise] plus a 6x6 patch of 1.0 marking the class: "
        "class k covers rows 7*(k/4)+1..+5 and columns 7*(k%4)+1..+5 (0-based, inclusive)";
    info.sample_shape = {1, kSide, kSide};
    info.train_size = p.samples;
    info.test_size = p.test_samples;
    info.class_names = numbered_class_names(p.num_classes);
    info.location = "generated";
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const Params p = params(options);
    // Independent streams for the two splits, so changing `samples` keeps the test set.
    return {generate(p.samples, p.num_classes, p.noise, p.seed),
            generate(p.test_samples, p.num_classes, p.noise, p.seed ^ 0x5851f42d4c957f2dULL)};
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_synthetic_dataset() { return std::make_unique<Synthetic>(); }

}  // namespace glassbox::plugins
