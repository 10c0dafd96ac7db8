// Finite-difference gradient checks on every built-in layer (see gradient_check.h).
#define BOOST_TEST_MODULE layer_gradients
#include <boost/test/unit_test.hpp>

#include "gradient_check.h"
#include "layer_plugin.h"

#include <algorithm>

using namespace glassbox;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

void expect_gradients(const json& config, const Shape& sample, std::size_t batch = 3,
                      GradientCheckOptions options = {}, unsigned long long seed = 5) {
  auto layer = make_layer(config, sample);
  Tensor x = random_tensor(batch_shape(batch, sample), seed);
  auto report = check_gradients(*layer, x, options);
  BOOST_TEST_INFO(config.dump());
  BOOST_TEST(report.ok(), report.summary());
}

// Inputs whose values are pairwise at least `gap` apart (a shuffled grid), so a
// perturbation of eps < gap/2 never changes which element a max-pool picks, and kept
// away from 0 by gap/2 so ReLU's kink is never crossed.
Tensor distinct_tensor(const Shape& shape, unsigned long long seed, float gap = 0.01f) {
  Tensor t = Tensor::from_shape(shape);
  std::vector<float> values(t.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = (static_cast<float>(i) - values.size() / 2.0f + 0.5f) * gap;
  Rng rng(seed);
  std::shuffle(values.begin(), values.end(), rng);
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dense_with_each_activation) {
  for (const char* act : {"linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"}) {
    expect_gradients({{"type", "dense"}, {"units", 4}, {"activation", act}}, {5});
  }
}

BOOST_AUTO_TEST_CASE(dense_without_bias) {
  expect_gradients({{"type", "dense"}, {"units", 3}, {"use_bias", false}}, {6});
}

BOOST_AUTO_TEST_CASE(dense_in_linear_mode_differentiates_the_pre_activation) {
  GradientCheckOptions o;
  o.mode = Mode::linear;
  expect_gradients({{"type", "dense"}, {"units", 4}, {"activation", "tanh"}}, {5}, 3, o);
}

BOOST_AUTO_TEST_CASE(flatten_gradient) {
  expect_gradients({{"type", "flatten"}}, {2, 3, 4});
}

BOOST_AUTO_TEST_CASE(activation_layers) {
  for (const char* type : {"relu", "leaky_relu", "sigmoid", "tanh", "softmax", "linear"}) {
    auto layer = make_layer({{"type", type}}, {3, 4});
    auto report = check_gradients(*layer, distinct_tensor({2, 3, 4}, 9, 0.05f));
    BOOST_TEST_INFO(type);
    BOOST_TEST(report.ok(), report.summary());
  }
  auto leaky = make_layer({{"type", "leaky_relu"}, {"alpha", 0.3}}, {6});
  auto report = check_gradients(*leaky, distinct_tensor({3, 6}, 2, 0.05f));
  BOOST_TEST(report.ok(), report.summary());
}

BOOST_AUTO_TEST_CASE(conv2d_valid_same_strided_with_and_without_bias) {
  const json configs[] = {
      {{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}},
      {{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"padding", "same"}},
      {{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"strides", 2}},
      {{"type", "conv2d"}, {"filters", 2}, {"kernel_size", {2, 3}}, {"strides", {2, 1}}, {"padding", "same"}},
      {{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"use_bias", false}},
      {{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"activation", "tanh"}},
      {{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"activation", "sigmoid"}, {"padding", "same"}},
  };
  // Up to 32 taps (2 channels x 3x3) the per-sample kernels, more (4 channels) the
  // batch-level sgemm; then 153 taps and 65 filters.
  for (const auto& c : configs) expect_gradients(c, {2, 6, 7}, 2);
  for (const auto& c : configs) expect_gradients(c, {4, 5, 6}, 2);
  expect_gradients({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"padding", "same"}}, {17, 4, 4}, 2);
  expect_gradients({{"type", "conv2d"}, {"filters", 65}, {"kernel_size", 1}}, {1, 3, 3}, 2);
}

BOOST_AUTO_TEST_CASE(conv2d_with_fused_relu) {
  // Inputs spaced apart so no pre-activation sits on ReLU's kink.
  for (const char* act : {"relu", "leaky_relu"}) {
    for (std::size_t channels : {2, 4}) {  // the per-sample kernels and the sgemm path
      auto layer = make_layer({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"activation", act}},
                              {channels, 5, 5});
      auto report = check_gradients(*layer, distinct_tensor({2, channels, 5, 5}, 3, 0.02f));
      BOOST_TEST_INFO(act << " with " << channels << " channels");
      BOOST_TEST(report.ok(), report.summary());
    }
  }
}

BOOST_AUTO_TEST_CASE(conv2d_in_linear_mode) {
  GradientCheckOptions o;
  o.mode = Mode::linear;
  expect_gradients({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"activation", "sigmoid"}},
                   {1, 5, 5}, 2, o);
}

BOOST_AUTO_TEST_CASE(pooling_layers) {
  const json configs[] = {
      {{"type", "max_pool2d"}},
      {{"type", "max_pool2d"}, {"pool_size", 3}, {"strides", 2}},
      {{"type", "max_pool2d"}, {"pool_size", {2, 3}}, {"strides", 1}},
      {{"type", "avg_pool2d"}},
      {{"type", "avg_pool2d"}, {"pool_size", 3}, {"strides", 2}},
      {{"type", "global_avg_pool2d"}},
  };
  for (const auto& c : configs) {
    auto layer = make_layer(c, {2, 7, 7});
    // Max pooling: values 0.01 apart, eps 1e-3, so no perturbation changes a winner.
    auto report = check_gradients(*layer, distinct_tensor({2, 2, 7, 7}, 11, 0.01f));
    BOOST_TEST_INFO(c.dump());
    BOOST_TEST(report.ok(), report.summary());
  }
}

BOOST_AUTO_TEST_CASE(reshape_gradient) {
  expect_gradients({{"type", "reshape"}, {"target_shape", {3, -1}}}, {12});
  expect_gradients({{"type", "reshape"}, {"target_shape", {1, 2, 6}}}, {2, 2, 3});
}

BOOST_AUTO_TEST_CASE(batch_normalization_train_and_inference) {
  // Train mode: the gradient flows through the batch mean and variance too.
  expect_gradients({{"type", "batch_normalization"}}, {4}, 5);
  expect_gradients({{"type", "batch_normalization"}}, {3, 4, 4}, 3);
  GradientCheckOptions o;
  o.mode = Mode::inference;
  expect_gradients({{"type", "batch_normalization"}}, {3, 4, 4}, 2, o);
}

BOOST_AUTO_TEST_CASE(dropout_with_a_fixed_mask) {
  // The checker evaluates clones of one layer, so each sees the same mask.
  expect_gradients({{"type", "dropout"}, {"rate", 0.4}}, {5, 4});
  GradientCheckOptions o;
  o.mode = Mode::inference;
  expect_gradients({{"type", "dropout"}, {"rate", 0.4}}, {5, 4}, 3, o);
}

namespace {

// A layer whose backward is deliberately wrong (2x instead of 3x), to show that the
// checker catches a bad gradient rather than passing everything.
class WrongTriple final : public Layer {
 public:
  std::string type() const override { return "wrong_triple"; }
  LayerKind kind() const override { return LayerKind::other; }
  Shape build(const Shape& s, Rng&) override { return s; }
  const Tensor& forward(const Tensor& x, Mode) override { return y_ = 3.0f * x; }
  const Tensor& backward(const Tensor& g, Gradients) override { return gx_ = 2.0f * g; }
  json config() const override { return {{"type", type()}}; }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<WrongTriple>(*this); }

 private:
  Tensor y_, gx_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(checker_rejects_a_wrong_gradient) {
  WrongTriple layer;
  auto report = check_gradients(layer, random_tensor({2, 3}, 1));
  BOOST_TEST(report.failures == 6u);
}
