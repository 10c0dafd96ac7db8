// Per-layer timings of the built-in layers at W2's and W1's shapes, batch 64, to compare
// with a profile of PyTorch's tuned W2 step (bench/README.md lists its figures).
//
//   OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 build/bench/layers_bench
//
// Each benchmark runs one layer's forward (train mode) or forward + backward on a fixed
// random batch; the layer reuses its buffers across iterations as it does in training.
// These machines are shared and noisy: each figure is the MINIMUM over 15 repetitions
// of the mean CPU time of 20 calls (the "_min" rows), a best case that is stable from
// run to run; compare with bench/layers_torch.py, which reports the same statistic.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <vector>
#include <random>

#include <nlohmann/json.hpp>

#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

namespace {

using glassbox::Gradients;
using glassbox::Mode;
using glassbox::Shape;
using glassbox::Tensor;
using nlohmann::json;

const glassbox::Registry& registry() {
  static const std::unique_ptr<glassbox::Registry> r = [] {
    auto reg = std::make_unique<glassbox::Registry>();
    glassbox::load_plugin(*reg, GLASSBOX_BUILD_PLUGIN_DIR "/libglassbox_layers.so");
    return reg;
  }();
  return *r;
}

Tensor random_batch(const Shape& shape) {
  glassbox::Rng rng(7);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  Tensor t = Tensor::from_shape(shape);
  for (auto& v : t) v = d(rng);
  return t;
}

constexpr std::size_t kBatch = 64;

void run_layer(benchmark::State& state, const json& config, const Shape& sample, bool backward,
               Gradients which = Gradients::input_and_params) {
  auto layer = registry().make_layer(config);
  glassbox::Rng rng(1);
  const Shape out = layer->build(sample, rng);
  const Tensor x = random_batch(glassbox::batch_shape(kBatch, sample));
  const Tensor g = random_batch(glassbox::batch_shape(kBatch, out));
  for (auto _ : state) {
    benchmark::DoNotOptimize(layer->forward(x, Mode::train).data());
    if (backward) benchmark::DoNotOptimize(layer->backward(g, which).data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

const json kConv1 = {{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"activation", "relu"}};
const json kConv2 = {{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}};
const json kPool = {{"type", "max_pool2d"}, {"pool_size", 2}};

// W2, layer by layer.
void conv1_fwd(benchmark::State& s) { run_layer(s, kConv1, {1, 28, 28}, false); }
void conv1_fwd_bwd(benchmark::State& s) { run_layer(s, kConv1, {1, 28, 28}, true); }
void conv1_fwd_bwd_input_only(benchmark::State& s) { run_layer(s, kConv1, {1, 28, 28}, true, Gradients::input_only); }
void conv1_fwd_bwd_params_only(benchmark::State& s) { run_layer(s, kConv1, {1, 28, 28}, true, Gradients::params_only); }
void pool1_fwd(benchmark::State& s) { run_layer(s, kPool, {8, 26, 26}, false); }
void pool1_fwd_bwd(benchmark::State& s) { run_layer(s, kPool, {8, 26, 26}, true); }
void conv2_fwd(benchmark::State& s) { run_layer(s, kConv2, {8, 13, 13}, false); }
void conv2_fwd_bwd(benchmark::State& s) { run_layer(s, kConv2, {8, 13, 13}, true); }
void pool2_fwd(benchmark::State& s) { run_layer(s, kPool, {16, 11, 11}, false); }
void pool2_fwd_bwd(benchmark::State& s) { run_layer(s, kPool, {16, 11, 11}, true); }
void flatten_fwd_bwd(benchmark::State& s) { run_layer(s, {{"type", "flatten"}}, {16, 5, 5}, true); }
void dense_400_128_fwd_bwd(benchmark::State& s) {
  run_layer(s, {{"type", "dense"}, {"units", 128}, {"activation", "relu"}}, {400}, true);
}
void dense_128_10_fwd_bwd(benchmark::State& s) { run_layer(s, {{"type", "dense"}, {"units", 10}}, {128}, true); }
// W1's layers.
void dense_784_256_fwd(benchmark::State& s) {
  run_layer(s, {{"type", "dense"}, {"units", 256}, {"activation", "relu"}}, {784}, false);
}
void dense_784_256_fwd_bwd(benchmark::State& s) {
  run_layer(s, {{"type", "dense"}, {"units", 256}, {"activation", "relu"}}, {784}, true);
}
void dense_256_128_fwd_bwd(benchmark::State& s) {
  run_layer(s, {{"type", "dense"}, {"units", 128}, {"activation", "relu"}}, {256}, true);
}
// Others, at W2-like shapes.
void avg_pool_fwd_bwd(benchmark::State& s) { run_layer(s, {{"type", "avg_pool2d"}}, {8, 26, 26}, true); }
void batchnorm_fwd_bwd(benchmark::State& s) { run_layer(s, {{"type", "batch_normalization"}}, {8, 26, 26}, true); }
void dropout_fwd_bwd(benchmark::State& s) { run_layer(s, {{"type", "dropout"}, {"rate", 0.5}}, {256}, true); }
void relu_fwd_bwd(benchmark::State& s) { run_layer(s, {{"type", "relu"}}, {8, 26, 26}, true); }

// W2's layer stack: forward and backward of all layers for one batch (no loss, no optimizer).
void w2_layers_step(benchmark::State& state) {
  const json configs[] = {kConv1, kPool, kConv2, kPool, {{"type", "flatten"}},
                          {{"type", "dense"}, {"units", 128}, {"activation", "relu"}},
                          {{"type", "dense"}, {"units", 10}}};
  std::vector<std::unique_ptr<glassbox::Layer>> layers;
  glassbox::Rng rng(1);
  Shape shape{1, 28, 28};
  for (const auto& c : configs) {
    layers.push_back(registry().make_layer(c));
    shape = layers.back()->build(shape, rng);
  }
  const Tensor x = random_batch({kBatch, 1, 28, 28});
  const Tensor g = random_batch({kBatch, 10});
  for (auto _ : state) {
    const Tensor* h = &x;
    for (auto& l : layers) h = &l->forward(*h, Mode::train);
    const Tensor* d = &g;
    // The first layer's input gradient is not needed (as in training).
    for (std::size_t i = layers.size(); i-- > 0;)
      d = &layers[i]->backward(*d, i == 0 ? Gradients::params_only : Gradients::input_and_params);
    benchmark::DoNotOptimize(d->data());
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}

double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

}  // namespace

#define GLASSBOX_LAYER_BENCHMARK(fn)                                                       \
  BENCHMARK(fn)->Unit(benchmark::kMicrosecond)->Iterations(20)->Repetitions(15)->         \
      ComputeStatistics("min", minimum)->ReportAggregatesOnly(true)

GLASSBOX_LAYER_BENCHMARK(conv1_fwd);
GLASSBOX_LAYER_BENCHMARK(conv1_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(conv1_fwd_bwd_input_only);
GLASSBOX_LAYER_BENCHMARK(conv1_fwd_bwd_params_only);
GLASSBOX_LAYER_BENCHMARK(pool1_fwd);
GLASSBOX_LAYER_BENCHMARK(pool1_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(conv2_fwd);
GLASSBOX_LAYER_BENCHMARK(conv2_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(pool2_fwd);
GLASSBOX_LAYER_BENCHMARK(pool2_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(flatten_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(dense_400_128_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(dense_128_10_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(w2_layers_step);
GLASSBOX_LAYER_BENCHMARK(dense_784_256_fwd);
GLASSBOX_LAYER_BENCHMARK(dense_784_256_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(dense_256_128_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(avg_pool_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(batchnorm_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(dropout_fwd_bwd);
GLASSBOX_LAYER_BENCHMARK(relu_fwd_bwd);

BENCHMARK_MAIN();
