// Forward values of the built-in layers against hand-computed figures and slow reference
// loops, running statistics, configuration round trips, clones, kinds and error messages.
#define BOOST_TEST_MODULE layers
#include <boost/test/unit_test.hpp>

#include <cmath>

#include <xtensor/xview.hpp>

#include "glassbox/initializers.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

void expect_close(const Tensor& got, const Tensor& want, float tol = 1e-4f) {
  BOOST_REQUIRE(got.shape() == want.shape());
  for (std::size_t i = 0; i < got.size(); ++i) {
    BOOST_TEST_INFO("index " << i);
    BOOST_TEST(std::abs(got.data()[i] - want.data()[i]) <= tol * (1.0f + std::abs(want.data()[i])));
  }
}

template <class Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

// A batch of one-feature samples: shape (n, 1).
Tensor column(std::initializer_list<float> values) {
  Tensor t = Tensor::from_shape({values.size(), 1});
  std::copy(values.begin(), values.end(), t.begin());
  return t;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Direct convolution, straight from the definition, with TensorFlow's "same" padding.
Tensor slow_conv2d(const Tensor& x, const Tensor& k, const Tensor* b, std::size_t sh,
                   std::size_t sw, bool same) {
  const long N = x.shape(0), C = x.shape(1), H = x.shape(2), W = x.shape(3);
  const long F = k.shape(0), KH = k.shape(2), KW = k.shape(3);
  long OH, OW, pt = 0, pl = 0;
  if (same) {
    OH = (H + sh - 1) / sh;
    OW = (W + sw - 1) / sw;
    pt = std::max<long>((OH - 1) * sh + KH - H, 0) / 2;
    pl = std::max<long>((OW - 1) * sw + KW - W, 0) / 2;
  } else {
    OH = (H - KH) / sh + 1;
    OW = (W - KW) / sw + 1;
  }
  Tensor y = xt::zeros<float>({N, F, OH, OW});
  for (long n = 0; n < N; ++n)
    for (long f = 0; f < F; ++f)
      for (long oy = 0; oy < OH; ++oy)
        for (long ox = 0; ox < OW; ++ox) {
          double s = b ? (*b)(f) : 0.0;
          for (long c = 0; c < C; ++c)
            for (long i = 0; i < KH; ++i)
              for (long j = 0; j < KW; ++j) {
                const long iy = oy * sh + i - pt, ix = ox * sw + j - pl;
                if (iy >= 0 && iy < H && ix >= 0 && ix < W) s += x(n, c, iy, ix) * k(f, c, i, j);
              }
          y(n, f, oy, ox) = static_cast<float>(s);
        }
  return y;
}

Tensor slow_pool(const Tensor& x, std::size_t p, std::size_t s, bool max) {
  const std::size_t N = x.shape(0), C = x.shape(1), H = x.shape(2), W = x.shape(3);
  const std::size_t OH = (H - p) / s + 1, OW = (W - p) / s + 1;
  Tensor y = xt::zeros<float>({N, C, OH, OW});
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          float m = -INFINITY;
          double sum = 0;
          for (std::size_t i = 0; i < p; ++i)
            for (std::size_t j = 0; j < p; ++j) {
              m = std::max(m, x(n, c, oy * s + i, ox * s + j));
              sum += x(n, c, oy * s + i, ox * s + j);
            }
          y(n, c, oy, ox) = max ? m : static_cast<float>(sum / (p * p));
        }
  return y;
}

}  // namespace

BOOST_AUTO_TEST_CASE(dense_forward_by_hand) {
  auto d = make_layer({{"type", "dense"}, {"units", 3}, {"activation", "relu"}, {"name", "d"}}, {2});
  param(*d, "kernel") = Tensor{{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}};
  param(*d, "bias") = Tensor{0.5f, -1.f, -20.f};
  Tensor x{{1.f, 2.f}, {1.f, -2.f}};
  // z = x W + b: row 1 = [1+8+.5, 2+10-1, 3+12-20] = [9.5, 11, -5]; row 2 = [-6.5, -9, -29].
  expect_close(d->forward(x, Mode::inference), Tensor{{9.5f, 11.f, 0.f}, {0.f, 0.f, 0.f}});
  // Mode::linear gives the pre-activation, and its backward skips relu's derivative.
  expect_close(d->forward(x, Mode::linear), Tensor{{9.5f, 11.f, -5.f}, {-6.5f, -9.f, -29.f}});
  Tensor g{{1.f, 0.f, 1.f}, {0.f, 1.f, 0.f}};
  // dx = g W^T: [1+3, 4+6] and [2, 5].
  expect_close(d->backward(g, Gradients::input_only), Tensor{{4.f, 10.f}, {2.f, 5.f}});
  // After a train forward relu masks: only (0,0) and (0,1) are active.
  d->forward(x, Mode::train);
  expect_close(d->backward(g, Gradients::input_and_params), Tensor{{1.f, 4.f}, {0.f, 0.f}});
  // dW = x^T (g * mask): column 0 gets x row 1 = [1, 2]; dB = [1, 0, 0].
  expect_close(*d->params()[0].grad, Tensor{{1.f, 0.f, 0.f}, {2.f, 0.f, 0.f}});
  expect_close(*d->params()[1].grad, Tensor{1.f, 0.f, 0.f});
  BOOST_TEST(to_string(d->activation()) == "relu");
}

BOOST_AUTO_TEST_CASE(dense_softmax_rows_sum_to_one) {
  auto d = make_layer({{"type", "dense"}, {"units", 4}, {"activation", "softmax"}}, {3});
  const Tensor& y = d->forward(random_tensor({5, 3}, 1, -30.f, 30.f), Mode::inference);
  for (std::size_t r = 0; r < 5; ++r) {
    double s = 0;
    for (std::size_t j = 0; j < 4; ++j) s += y(r, j);
    BOOST_TEST(s == 1.0, boost::test_tools::tolerance(1e-5));
  }
}

BOOST_AUTO_TEST_CASE(conv2d_matches_a_direct_convolution) {
  struct Case { json config; Shape sample; std::size_t sh, sw; bool same; };
  const Case cases[] = {
      {{{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}}, {3, 9, 8}, 1, 1, false},
      {{{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"padding", "same"}}, {2, 7, 7}, 1, 1, true},
      {{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"strides", 2}}, {2, 9, 10}, 2, 2, false},
      {{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", {2, 4}}, {"strides", {2, 3}}, {"padding", "same"}},
       {2, 8, 11}, 2, 3, true},
      {{{"type", "conv2d"}, {"filters", 5}, {"kernel_size", 1}, {"use_bias", false}}, {3, 4, 4}, 1, 1, false},
      // More than 32 taps: the batch-level sgemm path (W2's conv2, "same" padding, strides).
      {{{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}}, {8, 13, 13}, 1, 1, false},
      {{{"type", "conv2d"}, {"filters", 6}, {"kernel_size", {3, 5}}, {"padding", "same"}}, {4, 9, 11}, 1, 1, true},
      {{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"strides", 2}, {"padding", "same"}}, {5, 7, 8}, 2, 2, true},
      {{{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}}, {17, 6, 6}, 1, 1, true},
      // Few taps, many filters: the per-sample kernels.
      {{{"type", "conv2d"}, {"filters", 65}, {"kernel_size", 3}}, {2, 6, 5}, 1, 1, false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.config.dump()) {
      auto conv = make_layer(c.config, c.sample);
      Tensor x = random_tensor(batch_shape(3, c.sample), 17);
      const bool bias = c.config.value("use_bias", true);
      if (bias) param(*conv, "bias") = random_tensor({param(*conv, "kernel").shape(0)}, 3);
      Tensor want = slow_conv2d(x, param(*conv, "kernel"), bias ? &param(*conv, "bias") : nullptr,
                                c.sh, c.sw, c.same);
      if (c.config.value("activation", "linear") == "relu") want = xt::maximum(want, 0.0f);
      expect_close(conv->forward(x, Mode::inference), want);
    }
  }
}

BOOST_AUTO_TEST_CASE(conv2d_shapes_and_parameter_layout) {
  auto conv = make_layer({{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}}, {8, 13, 13});
  BOOST_TEST(param(*conv, "kernel").shape() == (Shape{16, 8, 3, 3}), boost::test_tools::per_element());
  BOOST_TEST(conv->param_count() == 16u * 8 * 9 + 16);
  Rng rng(1);
  auto same = layer_registry().make_layer({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3},
                                           {"strides", 2}, {"padding", "same"}});
  BOOST_TEST(same->build({1, 28, 28}, rng) == (Shape{4, 14, 14}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pooling_matches_slow_loops_and_rounds_down) {
  Tensor x = random_tensor({2, 3, 11, 11}, 5);
  auto max2 = make_layer({{"type", "max_pool2d"}}, {3, 11, 11});
  expect_close(max2->forward(x, Mode::inference), slow_pool(x, 2, 2, true));
  BOOST_TEST(max2->forward(x, Mode::inference).shape(2) == 5u);  // 11x11 -> 5x5, as PyTorch
  auto max3 = make_layer({{"type", "max_pool2d"}, {"pool_size", 3}, {"strides", 2}}, {3, 11, 11});
  expect_close(max3->forward(x, Mode::inference), slow_pool(x, 3, 2, true));
  auto avg = make_layer({{"type", "avg_pool2d"}, {"pool_size", 3}}, {3, 11, 11});
  expect_close(avg->forward(x, Mode::inference), slow_pool(x, 3, 3, false));
  auto avg2 = make_layer({{"type", "avg_pool2d"}}, {3, 11, 11});
  expect_close(avg2->forward(x, Mode::inference), slow_pool(x, 2, 2, false));
  auto gap = make_layer({{"type", "global_avg_pool2d"}}, {3, 11, 11});
  expect_close(gap->forward(x, Mode::inference), xt::eval(xt::view(slow_pool(x, 11, 11, false), xt::all(), xt::all(), 0, 0)));
}

BOOST_AUTO_TEST_CASE(max_pool_backward_routes_to_the_winner) {
  auto pool = make_layer({{"type", "max_pool2d"}}, {1, 2, 4});
  Tensor x{{{{1.f, 5.f, 2.f, 0.f}, {3.f, 4.f, 9.f, 8.f}}}};
  expect_close(pool->forward(x, Mode::train), Tensor{{{{5.f, 9.f}}}});
  expect_close(pool->backward(Tensor{{{{10.f, 20.f}}}}, Gradients::input_and_params),
               Tensor{{{{0.f, 10.f, 0.f, 0.f}, {0.f, 0.f, 20.f, 0.f}}}});
}

BOOST_AUTO_TEST_CASE(flatten_and_reshape_keep_row_major_order) {
  auto flat = make_layer({{"type", "flatten"}}, {2, 2, 2});
  Tensor x = xt::arange<float>(16.f).reshape({2, 2, 2, 2});
  const Tensor& y = flat->forward(x, Mode::inference);
  BOOST_TEST(y.shape() == (Shape{2, 8}), boost::test_tools::per_element());
  BOOST_TEST(y(1, 3) == 11.f);
  auto reshape = make_layer({{"type", "reshape"}, {"target_shape", {1, -1, 2}}}, {8});
  const Tensor& r = reshape->forward(y, Mode::inference);
  BOOST_TEST(r.shape() == (Shape{2, 1, 4, 2}), boost::test_tools::per_element());
  BOOST_TEST(r(1, 0, 1, 1) == 11.f);
}

BOOST_AUTO_TEST_CASE(dropout_scales_in_training_and_is_identity_at_inference) {
  auto drop = make_layer({{"type", "dropout"}, {"rate", 0.25}}, {4000});
  Tensor x = xt::ones<float>({1, 4000});
  const Tensor y = drop->forward(x, Mode::train);
  std::size_t kept = 0;
  for (float v : y) {
    BOOST_TEST((v == 0.f || std::abs(v - 1.f / 0.75f) < 1e-6f));
    kept += v != 0.f;
  }
  BOOST_TEST(std::abs(kept / 4000.0 - 0.75) < 0.03);
  // The backward mask is the forward mask.
  const Tensor& g = drop->backward(x, Gradients::input_and_params);
  for (std::size_t i = 0; i < 4000; ++i) BOOST_TEST(g(0, i) == y(0, i));
  expect_close(drop->forward(x, Mode::inference), x);
  // Same seed, same masks; the mask changes from batch to batch.
  auto again = make_layer({{"type", "dropout"}, {"rate", 0.25}}, {4000});
  expect_close(again->forward(x, Mode::train), y);
  BOOST_TEST(!(again->forward(x, Mode::train) == y));
}

BOOST_AUTO_TEST_CASE(batch_normalization_statistics_after_known_batches) {
  auto bn = make_layer({{"type", "batch_normalization"}, {"momentum", 0.9}, {"epsilon", 1e-3}}, {1});
  // Batch 1: {1, 3}: mean 2, biased variance 1 (normalises), unbiased 2 (moving average).
  expect_close(bn->forward(column({1.f, 3.f}), Mode::train),
               column({-1.f / std::sqrt(1.001f), 1.f / std::sqrt(1.001f)}));
  BOOST_TEST(param(*bn, "moving_mean")(0) == 0.2f, boost::test_tools::tolerance(1e-6f));      // .9*0 + .1*2
  BOOST_TEST(param(*bn, "moving_variance")(0) == 1.1f, boost::test_tools::tolerance(1e-6f));  // .9*1 + .1*2
  // Batch 2: {5, 5, 8}: mean 6, unbiased variance 3.
  bn->forward(column({5.f, 5.f, 8.f}), Mode::train);
  BOOST_TEST(param(*bn, "moving_mean")(0) == 0.78f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(param(*bn, "moving_variance")(0) == 1.29f, boost::test_tools::tolerance(1e-6f));
  // Inference uses the moving statistics and leaves them alone.
  expect_close(bn->forward(column({2.f}), Mode::inference), column({(2.f - 0.78f) / std::sqrt(1.291f)}));
  BOOST_TEST(param(*bn, "moving_mean")(0) == 0.78f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(bn->params()[2].trainable == false);
}

BOOST_AUTO_TEST_CASE(batch_normalization_is_per_channel_on_images) {
  auto bn = make_layer({{"type", "batch_normalization"}, {"momentum", 0.0}}, {2, 1, 2});
  // Channel 0 holds {0, 2, 4, 6} (mean 3), channel 1 holds 10 everywhere.
  Tensor x{{{{0.f, 2.f}}, {{10.f, 10.f}}}, {{{4.f, 6.f}}, {{10.f, 10.f}}}};
  const Tensor& y = bn->forward(x, Mode::train);
  BOOST_TEST(param(*bn, "moving_mean")(0) == 3.f);
  BOOST_TEST(param(*bn, "moving_mean")(1) == 10.f);
  BOOST_TEST(param(*bn, "moving_variance")(0) == 20.f / 3.f, boost::test_tools::tolerance(1e-5f));
  BOOST_TEST(y(0, 0, 0, 0) == -3.f / std::sqrt(5.001f), boost::test_tools::tolerance(1e-5f));
  BOOST_TEST(y(1, 1, 0, 1) == 0.f);
}

BOOST_AUTO_TEST_CASE(activation_layers_by_hand) {
  Tensor x{{-2.f, 0.5f, 3.f}};
  expect_close(make_layer({{"type", "relu"}}, {3})->forward(x, Mode::inference), Tensor{{0.f, 0.5f, 3.f}});
  expect_close(make_layer({{"type", "leaky_relu"}, {"alpha", 0.1}}, {3})->forward(x, Mode::inference),
               Tensor{{-0.2f, 0.5f, 3.f}});
  expect_close(make_layer({{"type", "sigmoid"}}, {3})->forward(x, Mode::inference),
               Tensor{{0.11920292f, 0.62245933f, 0.95257413f}});
  expect_close(make_layer({{"type", "tanh"}}, {3})->forward(x, Mode::inference),
               Tensor{{-0.96402758f, 0.46211716f, 0.99505475f}});
  // softmax([-2, .5, 3]) = e^x / (e^-2 + e^.5 + e^3)
  expect_close(make_layer({{"type", "softmax"}}, {3})->forward(x, Mode::inference),
               Tensor{{0.00618829f, 0.07538875f, 0.91842297f}});
  expect_close(make_layer({{"type", "linear"}}, {3})->forward(x, Mode::inference), x);
}

BOOST_AUTO_TEST_CASE(every_layer_states_its_kind) {
  const std::vector<std::pair<json, LayerKind>> kinds = {
      {{{"type", "dense"}, {"units", 2}}, LayerKind::linear},
      {{{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 1}}, LayerKind::linear},
      {{{"type", "avg_pool2d"}}, LayerKind::linear},
      {{{"type", "global_avg_pool2d"}}, LayerKind::linear},
      {{{"type", "max_pool2d"}}, LayerKind::pooling},
      {{{"type", "flatten"}}, LayerKind::reshape},
      {{{"type", "reshape"}, {"target_shape", {-1}}}, LayerKind::reshape},
      {{{"type", "dropout"}}, LayerKind::dropout},
      {{{"type", "batch_normalization"}}, LayerKind::normalization},
      {{{"type", "relu"}}, LayerKind::activation},
      {{{"type", "leaky_relu"}}, LayerKind::activation},
      {{{"type", "sigmoid"}}, LayerKind::activation},
      {{{"type", "tanh"}}, LayerKind::activation},
      {{{"type", "linear"}}, LayerKind::activation},
      {{{"type", "softmax"}}, LayerKind::softmax},
      {{{"type", "add"}}, LayerKind::merge},
      {{{"type", "average"}}, LayerKind::merge},
      {{{"type", "concatenate"}}, LayerKind::merge},
  };
  BOOST_TEST(layer_registry().layers.list().size() == kinds.size());
  for (const auto& [config, kind] : kinds) {
    BOOST_TEST_INFO(config.dump());
    BOOST_TEST(to_string(layer_registry().make_layer(config)->kind()) == to_string(kind));
    // Every factory documents its options for the web page's forms.
    const auto& info = layer_registry().layers.info(config.at("type"));
    BOOST_TEST(!info.description.empty());
    for (const auto& [key, schema] : info.parameters.items()) {
      BOOST_TEST_INFO(key);
      BOOST_TEST((schema.contains("type") && schema.contains("default") && schema.contains("help")));
    }
  }
}

BOOST_AUTO_TEST_CASE(config_round_trips_through_the_factory) {
  const std::vector<std::pair<json, Shape>> layers = {
      {{{"type", "dense"}, {"units", 7}, {"activation", "tanh"}, {"use_bias", false},
        {"kernel_initializer", "he_normal"}, {"name", "fc"}}, {5}},
      {{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", {3, 2}}, {"strides", 2},
        {"padding", "same"}, {"activation", "relu"}, {"bias_initializer", "ones"}}, {2, 8, 8}},
      {{{"type", "max_pool2d"}, {"pool_size", 3}, {"strides", 1}}, {1, 5, 5}},
      {{{"type", "avg_pool2d"}, {"pool_size", {2, 1}}}, {1, 4, 4}},
      {{{"type", "global_avg_pool2d"}}, {2, 3, 3}},
      {{{"type", "flatten"}, {"name", "f"}}, {2, 3}},
      {{{"type", "reshape"}, {"target_shape", {2, -1}}}, {6}},
      {{{"type", "dropout"}, {"rate", 0.3}}, {4}},
      {{{"type", "batch_normalization"}, {"momentum", 0.9}, {"epsilon", 1e-5}}, {4}},
      {{{"type", "leaky_relu"}, {"alpha", 0.2}}, {4}},
      {{{"type", "softmax"}}, {4}},
  };
  for (const auto& [config, sample] : layers) {
    BOOST_TEST_CONTEXT(config.dump()) {
      auto a = make_layer(config, sample, 3);
      const json c = a->config();
      BOOST_TEST(c.at("type") == config.at("type"));
      BOOST_TEST(c.at("name") == config.value("name", ""));
      auto b = make_layer(c, sample, 3);
      BOOST_TEST(b->config() == c);
      BOOST_TEST(b->name() == a->name());
      // Same seed, same initial weights: the rebuilt layer computes the same function.
      Tensor x = random_tensor(batch_shape(2, sample), 8);
      expect_close(b->forward(x, Mode::inference), a->forward(x, Mode::inference));
    }
  }
}

BOOST_AUTO_TEST_CASE(clone_copies_parameters_and_is_independent) {
  auto d = make_layer({{"type", "dense"}, {"units", 3}, {"name", "d"}}, {4});
  auto copy = d->clone();
  BOOST_TEST(copy->name() == "d");
  Tensor x = random_tensor({2, 4}, 4);
  const Tensor before = d->forward(x, Mode::inference);
  expect_close(copy->forward(x, Mode::inference), before);
  param(*d, "kernel").fill(0.f);
  expect_close(copy->forward(x, Mode::inference), before);
  BOOST_TEST(param(*copy, "kernel")(0, 0) != 0.f);
  auto bn = make_layer({{"type", "batch_normalization"}}, {2});
  param(*bn, "moving_mean")(0) = 5.f;
  BOOST_TEST(param(*bn->clone(), "moving_mean")(0) == 5.f);
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer_and_what_was_expected) {
  const auto& reg = layer_registry();
  Rng rng(0);
  auto dense = reg.make_layer({{"type", "dense"}, {"units", 10}, {"name", "dense_3"}});
  BOOST_TEST(error_of([&] { dense->build({8, 13, 13}, rng); }) ==
             "dense_3: expects a flat input, got (8, 13, 13); add a flatten layer");
  std::string e = error_of([&] { reg.make_layer({{"type", "dense"}, {"units", 3}, {"unit", 4}, {"name", "fc1"}}); });
  BOOST_TEST(contains(e, "fc1"), e);
  BOOST_TEST(contains(e, "'unit'"), e);
  e = error_of([&] { reg.make_layer({{"type", "dense"}}); });
  BOOST_TEST(contains(e, "missing required option 'units'"), e);
  e = error_of([&] { reg.make_layer({{"type", "dense"}, {"units", -2}}); });
  BOOST_TEST(contains(e, "positive integer"), e);
  e = error_of([&] { reg.make_layer({{"type", "dense"}, {"units", 2}, {"activation", "relux"}}); });
  BOOST_TEST((contains(e, "relux") && contains(e, "leaky_relu")), e);
  e = error_of([&] { reg.make_layer({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"padding", "full"}}); });
  BOOST_TEST((contains(e, "'full'") && contains(e, "same")), e);
  e = error_of([&] { reg.make_layer({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", "3"}}); });
  BOOST_TEST(contains(e, "kernel_size"), e);
  e = error_of([&] { reg.make_layer({{"type", "dense"}, {"units", 2}, {"kernel_initializer", "glorot"}}); });
  BOOST_TEST(contains(e, "glorot_uniform"), e);
  e = error_of([&] { reg.make_layer({{"type", "dropout"}, {"rate", 1.0}}); });
  BOOST_TEST(contains(e, "[0, 1)"), e);
  auto conv = reg.make_layer({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 5}, {"name", "c1"}});
  e = error_of([&] { conv->build({1, 4, 4}, rng); });
  BOOST_TEST((contains(e, "c1") && contains(e, "larger than the input")), e);
  e = error_of([&] { conv->build({784}, rng); });
  BOOST_TEST(contains(e, "reshape"), e);
  auto reshape = reg.make_layer({{"type", "reshape"}, {"target_shape", {5, 5}}});
  e = error_of([&] { reshape->build({784}, rng); });
  BOOST_TEST(contains(e, "cannot reshape (784,)"), e);
  // A batch of the wrong shape at run time.
  auto d = make_layer({{"type", "dense"}, {"units", 2}, {"name", "out"}}, {4});
  e = error_of([&] { d->forward(xt::zeros<float>({3, 5}), Mode::inference); });
  BOOST_TEST(e == "out: forward expects a batch of shape (N, 4), got (3, 5)");
}

BOOST_AUTO_TEST_CASE(initializers_follow_their_formulas) {
  Rng rng(3);
  Tensor t = Tensor::from_shape({200, 300});
  initialize(t, "glorot_uniform", 200, 300, rng);
  const float limit = std::sqrt(6.f / 500.f);
  BOOST_TEST(xt::amax(xt::abs(t))() <= limit);
  BOOST_TEST(xt::amax(xt::abs(t))() > 0.95f * limit);
  initialize(t, "he_normal", 200, 300, rng);
  // Truncated normal with the stddev corrected for the truncation: variance 2 / fan_in.
  BOOST_TEST(xt::variance(t)() == 2.0 / 200, boost::test_tools::tolerance(0.03));
  BOOST_TEST(xt::amax(xt::abs(t))() <= 2.f * std::sqrt(2.f / 200.f) / 0.8796f + 1e-6f);
  initialize(t, "he_uniform", 200, 300, rng);
  BOOST_TEST(xt::variance(t)() == 2.0 / 200, boost::test_tools::tolerance(0.03));
  initialize(t, "glorot_normal", 200, 300, rng);
  BOOST_TEST(xt::variance(t)() == 2.0 / 500, boost::test_tools::tolerance(0.03));
  initialize(t, "ones", 1, 1, rng);
  BOOST_TEST(xt::sum(t)() == 60000.f);
  initialize(t, "zeros", 1, 1, rng);
  BOOST_TEST(xt::amax(xt::abs(t))() == 0.f);
  const std::string e = error_of([&] { initialize(t, "xavier", 1, 1, rng); });
  BOOST_TEST(e == "unknown initializer 'xavier' (known: glorot_uniform, glorot_normal, he_normal, he_uniform, zeros, ones)");
}

// The CSV reproducer's [1, -1, -4] read as sizes: its product wraps to 4, and the layers
// indexed far past a 4-value buffer. build() now refuses it, and oversized weights.
BOOST_AUTO_TEST_CASE(wrapped_or_oversized_shapes_are_refused_by_build) {
  const Shape wrapped{1, static_cast<std::size_t>(-1), static_cast<std::size_t>(-4)};
  for (const nlohmann::json& config : {nlohmann::json{{"type", "max_pool2d"}}, nlohmann::json{{"type", "avg_pool2d"}},
                                       nlohmann::json{{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}}}) {
    auto layer = layer_registry().make_layer(config);
    Rng rng(1);
    BOOST_CHECK_EXCEPTION(layer->build(wrapped, rng), ConfigError, [](const ConfigError& e) {
      return std::string(e.what()).find("holds more than 2147483648 elements") != std::string::npos;
    });
  }
  Rng rng(1);
  auto dense = layer_registry().make_layer({{"type", "dense"}, {"units", 1000000000}});
  BOOST_CHECK_EXCEPTION(dense->build({784}, rng), ConfigError, [](const ConfigError& e) {
    return std::string(e.what()).find("a weight of shape (784, 1000000000) needs 5841.3 GiB with its gradient") != std::string::npos;
  });
  auto conv = layer_registry().make_layer({{"type", "conv2d"}, {"filters", 65536}, {"kernel_size", 64}, {"padding", "same"}});
  BOOST_CHECK_THROW(conv->build({64, 64, 64}, rng), ConfigError);
  auto reshape = layer_registry().make_layer({{"type", "reshape"}, {"target_shape", {65536, 65536, 65536, 65536, -1}}});
  BOOST_CHECK_EXCEPTION(reshape->build({16}, rng), ConfigError, [](const ConfigError& e) {
    return std::string(e.what()).find("target_shape") != std::string::npos;
  });
}
