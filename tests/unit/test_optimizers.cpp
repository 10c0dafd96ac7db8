// Optimizer plugins: steps against values computed by hand (see each case's comment).
#define BOOST_TEST_MODULE optimizers
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "glassbox/error.h"
#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

using namespace glassbox;
using nlohmann::json;
namespace tt = boost::test_tools;

namespace {

const Registry& registry() {
  static const std::unique_ptr<Registry> r = [] {
    auto reg = std::make_unique<Registry>();
    load_plugin(*reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_optimizers.so");
    return reg;
  }();
  return *r;
}

// One parameter tensor with values w and gradients g, stepped by `opt` with gradients
// from `grads` (one vector per step). Returns the values after each step.
std::vector<std::vector<float>> steps(const json& opt, std::vector<float> w,
                                      const std::vector<std::vector<float>>& grads) {
  auto o = registry().make_optimizer(opt);
  Tensor value = Tensor::from_shape({w.size()});
  Tensor grad = Tensor::from_shape({w.size()});
  std::copy(w.begin(), w.end(), value.begin());
  std::vector<ParamRef> params = {{"kernel", ParamRole::weight, &value, &grad, true}};
  std::vector<std::vector<float>> out;
  for (const auto& g : grads) {
    std::copy(g.begin(), g.end(), grad.begin());
    o->step(params);
    out.emplace_back(value.begin(), value.end());
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sgd_plain_and_momentum) {
  // Plain: w = 1 - 0.1 * 0.5 = 0.95.
  BOOST_TEST(steps({{"type", "sgd"}, {"learning_rate", 0.1}}, {1}, {{0.5f}})[0][0] == 0.95f, tt::tolerance(1e-6f));
  // Momentum 0.9: v1 = -0.05, w1 = 0.95; v2 = 0.9 * -0.05 - 0.05 = -0.095, w2 = 0.855.
  auto r = steps({{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}}, {1}, {{0.5f}, {0.5f}});
  BOOST_TEST(r[0][0] == 0.95f, tt::tolerance(1e-6f));
  BOOST_TEST(r[1][0] == 0.855f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(sgd_nesterov) {
  // v1 = -0.05, w1 = 1 + 0.9 * -0.05 - 0.05 = 0.905; v2 = -0.095, w2 = 0.905 - 0.0855 - 0.05 = 0.7695.
  auto r = steps({{"type", "sgd"}, {"learning_rate", 0.1}, {"momentum", 0.9}, {"nesterov", true}}, {1}, {{0.5f}, {0.5f}});
  BOOST_TEST(r[0][0] == 0.905f, tt::tolerance(1e-6f));
  BOOST_TEST(r[1][0] == 0.7695f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(adam_first_two_steps) {
  // lr 0.1, g = 0.5 then -1 (Keras form, epsilon 1e-7):
  // t=1: m = 0.05, v = 0.00025, alpha = 0.1 sqrt(0.001) / 0.1 -> w = 0.90000063
  // t=2: m = -0.055, v = 0.00124975, alpha = 0.1 sqrt(0.001999) / 0.19 -> w = 0.93661088
  auto r = steps({{"type", "adam"}, {"learning_rate", 0.1}}, {1}, {{0.5f}, {-1.0f}});
  BOOST_TEST(r[0][0] == 0.90000063f, tt::tolerance(1e-6f));
  BOOST_TEST(r[1][0] == 0.93661088f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(rmsprop_and_adagrad_first_step) {
  // RMSprop lr 0.01, rho 0.9: s = 0.025, w = 1 - 0.01 * 0.5 / sqrt(0.025) = 0.96837724.
  BOOST_TEST(steps({{"type", "rmsprop"}, {"learning_rate", 0.01}}, {1}, {{0.5f}})[0][0] == 0.96837724f,
             tt::tolerance(1e-6f));
  // Adagrad lr 0.1, accumulator 0.1 + 0.25 = 0.35: w = 1 - 0.05 / sqrt(0.35) = 0.91548459.
  BOOST_TEST(steps({{"type", "adagrad"}, {"learning_rate", 0.1}}, {1}, {{0.5f}})[0][0] == 0.91548459f,
             tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(weight_decay_is_decoupled) {
  // Zero gradient: w = 1 * (1 - lr * wd) = 1 - 0.1 * 0.5 = 0.95, for every optimizer.
  for (const char* type : {"sgd", "adam", "rmsprop", "adagrad"})
    BOOST_TEST(steps({{"type", type}, {"learning_rate", 0.1}, {"weight_decay", 0.5}}, {1}, {{0.0f}})[0][0] == 0.95f,
               tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(gradient_clipping_by_value_and_norm) {
  // clip_value 0.2: g = 0.5 -> 0.2, w = 1 - 0.1 * 0.2 = 0.98; g = -3 -> -0.2, w = 1.02.
  auto r = steps({{"type", "sgd"}, {"learning_rate", 0.1}, {"clip_value", 0.2}}, {1, 1}, {{0.5f, -3.0f}});
  BOOST_TEST(r[0][0] == 0.98f, tt::tolerance(1e-6f));
  BOOST_TEST(r[0][1] == 1.02f, tt::tolerance(1e-6f));
  // clip_norm 1: g = (3, 4) has norm 5 -> (0.6, 0.8); lr 1 from w = 0.
  r = steps({{"type", "sgd"}, {"learning_rate", 1.0}, {"clip_norm", 1.0}}, {0, 0}, {{3.0f, 4.0f}});
  BOOST_TEST(r[0][0] == -0.6f, tt::tolerance(1e-6f));
  BOOST_TEST(r[0][1] == -0.8f, tt::tolerance(1e-6f));
  // A gradient already inside the norm is untouched.
  r = steps({{"type", "sgd"}, {"learning_rate", 1.0}, {"clip_norm", 10.0}}, {0, 0}, {{3.0f, 4.0f}});
  BOOST_TEST(r[0][0] == -3.0f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(non_trainable_parameters_are_left_alone) {
  auto o = registry().make_optimizer(json{{"type", "adam"}});
  Tensor a = Tensor::from_shape({2}), ga = Tensor::from_shape({2}), b = Tensor::from_shape({2}), gb = Tensor::from_shape({2});
  a.fill(1), ga.fill(1), b.fill(1), gb.fill(1);
  o->step({{"kernel", ParamRole::weight, &a, &ga, true}, {"moving_mean", ParamRole::running_mean, &b, &gb, false}});
  BOOST_TEST(a(0) < 1.0f);
  BOOST_TEST(b(0) == 1.0f);
}

BOOST_AUTO_TEST_CASE(config_round_trips_and_bad_options_are_named) {
  auto o = registry().make_optimizer(json{{"type", "sgd"}, {"learning_rate", 0.05}, {"momentum", 0.9}});
  auto again = registry().make_optimizer(o->config());
  BOOST_TEST(again->config() == o->config());
  BOOST_TEST(again->learning_rate() == 0.05f);
  BOOST_CHECK_EXCEPTION(registry().make_optimizer(json{{"type", "adam"}, {"beta1", 0.9}}), ConfigError,
                        [](const ConfigError& e) { return std::string(e.what()).find("beta1") != std::string::npos; });
  BOOST_CHECK_THROW(registry().make_optimizer(json{{"type", "sgd"}, {"momentum", 1.5}}), ConfigError);
  BOOST_CHECK_THROW(registry().make_optimizer(json{{"type", "sgd"}, {"learning_rate", "fast"}}), ConfigError);
}
