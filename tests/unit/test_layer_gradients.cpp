// Finite-difference gradient checks on every built-in layer (see gradient_check.h).
#define BOOST_TEST_MODULE layer_gradients
#include <boost/test/unit_test.hpp>

#include "gradient_check.h"
#include "layer_plugin.h"

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
