// Parameter roles: explainers find parameters by role, never by name. A plugin whose
// layers name their parameters "W", "b", "g", "h", "mu", "sigma2" (tests/plugins/
// renamed_layers.cpp: the built-in layers under other names) gets bit-identical LRP
// relevance to the built-in layers under every rule and every built-in composite, with
// BatchNorm merged into a conv layer (rebuilt with a bias through the registry) and a
// BatchNorm left unmerged. Before roles, the rules zeroed only parameters named
// "bias"/"beta" and canonization looked up "kernel"/"moving_mean"...: the renamed layers
// kept their bias under z+, zB, w-square and flat, and their BatchNorm was never merged.
#define BOOST_TEST_MODULE param_roles
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "glassbox/error.h"
#include "glassbox/explain/lrp.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

// The built-in layers and the renamed ones in one registry (the renamed factories make
// their inner layers through it).
const Registry& registry() {
  static const std::unique_ptr<Registry> r = [] {
    auto reg = std::make_unique<Registry>();
    load_plugin(*reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_layers.so");
    load_plugin(*reg, GLASSBOX_BINARY_DIR "/test-plugins/renamed/libgbtest_renamed.so");
    return reg;
  }();
  return *r;
}

// A network given as (config, per-sample input shape) per layer, twice: with the built-in
// types and with "renamed_" types where there is one. Both get the same parameter values,
// copied position by position (the roles must agree, the names must not).
struct Twin {
  std::vector<std::unique_ptr<Layer>> builtin, renamed;
};

Twin make_twin(const std::vector<std::pair<json, Shape>>& layers, unsigned long long seed) {
  Twin t;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    json c = layers[i].first;
    Rng rng(seed + i);
    t.builtin.push_back(registry().make_layer(c));
    t.builtin.back()->build(layers[i].second, rng);
    const std::string type = c["type"];
    if (registry().layers.contains("renamed_" + type)) c["type"] = "renamed_" + type;
    Rng rng2(seed + 100 + i);  // other initial values: the copy below must set them
    t.renamed.push_back(registry().make_layer(c));
    t.renamed.back()->build(layers[i].second, rng2);
    std::vector<ParamRef> a = t.builtin.back()->params(), b = t.renamed.back()->params();
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      BOOST_REQUIRE(a[k].role == b[k].role);
      BOOST_REQUIRE(a[k].name != b[k].name);
      *a[k].value = random_tensor(Shape(a[k].value->shape().begin(), a[k].value->shape().end()), seed + 1000 * i + k,
                                  a[k].role == ParamRole::running_variance ? 0.2f : -1.0f, 1.0f);
      if (a[k].role == ParamRole::scale) *a[k].value = random_tensor(Shape(a[k].value->shape().begin(), a[k].value->shape().end()), seed + k, 0.5f, 2.0f);
      *b[k].value = *a[k].value;
    }
  }
  return t;
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// The largest |a - b| (for the message when the bits differ).
float max_difference(const Tensor& a, const Tensor& b) {
  float worst = 0.0f;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::fabs(a.data()[i] - b.data()[i]));
  return worst;
}

// Explains x with both networks and checks the relevance (input and every layer), the
// logits and the plan agree bit for bit.
void expect_identical(const Twin& t, const Shape& in, const Composite& c, const Tensor& x) {
  Lrp a(stack(t.builtin), in, c, {}, &registry());
  Lrp b(stack(t.renamed), in, c, {}, &registry());
  LrpResult ra = a.explain(x, Target::all());
  LrpResult rb = b.explain(x, Target::all());
  BOOST_REQUIRE_EQUAL(ra.plan.size(), rb.plan.size());
  for (std::size_t i = 0; i < ra.plan.size(); ++i) {
    BOOST_TEST_INFO("layer " << i);
    BOOST_TEST(ra.plan[i].role == rb.plan[i].role);
    BOOST_TEST(ra.plan[i].rule == rb.plan[i].rule);
  }
  BOOST_TEST(ra.logit == rb.logit, boost::test_tools::per_element());
  BOOST_TEST(same_bits(ra.input_relevance, rb.input_relevance),
             "input relevance differs by up to " << max_difference(ra.input_relevance, rb.input_relevance));
  for (std::size_t i = 0; i < ra.layer_relevance.size(); ++i)
    BOOST_TEST(same_bits(ra.layer_relevance[i], rb.layer_relevance[i]),
               "layer " << i << " relevance differs by up to "
                        << max_difference(ra.layer_relevance[i], rb.layer_relevance[i]));
  // Not vacuous: the relevance is not all zero.
  float largest = 0.0f;
  for (float v : ra.input_relevance) largest = std::max(largest, std::fabs(v));
  BOOST_TEST(largest > 0.0f);
}

// Every rule on every linear layer (dense and conv roles and the first layer).
Composite everywhere(const std::string& rule) {
  return composite_from_json(json{{"name", rule}, {"dense", rule}, {"conv", rule}, {"first", rule},
                                  {"normalization", rule}});
}

std::vector<std::string> all_composites() { return composite_names(); }

}  // namespace

BOOST_AUTO_TEST_CASE(renamed_layers_list_the_same_roles) {
  auto d = registry().make_layer({{"type", "renamed_dense"}, {"units", 3}});
  Rng rng(1);
  d->build({4}, rng);
  const Layer& cd = *d;
  BOOST_REQUIRE_EQUAL(cd.params().size(), 2u);
  BOOST_TEST(cd.params()[0].name == "W");
  BOOST_TEST(cd.params()[1].name == "b");
  BOOST_TEST(to_string(cd.params()[0].role) == "weight");
  BOOST_TEST(to_string(cd.params()[1].role) == "bias");
  BOOST_TEST(cd.param_count() == 15u);
  auto bn = registry().make_layer({{"type", "batch_normalization"}});
  bn->build({4}, rng);
  std::vector<std::string> roles;
  for (const auto& p : static_cast<const Layer&>(*bn).params()) roles.push_back(to_string(p.role));
  BOOST_TEST(roles == (std::vector<std::string>{"scale", "shift", "running_mean", "running_variance"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(role_and_activation_names_round_trip) {
  for (ParamRole r : {ParamRole::weight, ParamRole::bias, ParamRole::scale, ParamRole::shift,
                      ParamRole::running_mean, ParamRole::running_variance, ParamRole::other})
    BOOST_TEST((param_role_from_string(to_string(r)) == r));
  BOOST_CHECK_EXCEPTION(param_role_from_string("kernel"), ConfigError, [](const ConfigError& e) {
    return std::string(e.what()) ==
           "unknown parameter role 'kernel' (known: weight, bias, scale, shift, running_mean, running_variance, other)";
  });
  for (const std::string& n : fused_activation_names()) BOOST_TEST(to_string(activation_from_string(n)) == n);
  BOOST_TEST((activation_from_string("") == Activation::linear));
  BOOST_CHECK_THROW(activation_from_string("swish"), ConfigError);
}

// Dense network: dense(relu) -> dense(relu) -> dense, with biases.
BOOST_AUTO_TEST_CASE(dense_relevance_is_bit_identical_under_every_rule_and_composite) {
  const Shape in{6};
  Twin t = make_twin({{{{"type", "dense"}, {"units", 7}, {"activation", "relu"}}, {6}},
                      {{{"type", "dense"}, {"units", 5}, {"activation", "relu"}}, {7}},
                      {{{"type", "dense"}, {"units", 3}}, {5}}},
                     11);
  const Tensor x = random_tensor({5, 6}, 12, 0.0f, 1.0f);
  for (const std::string& rule : rule_names())
    BOOST_TEST_CONTEXT("rule " << rule) { expect_identical(t, in, everywhere(rule), x); }
  for (const std::string& c : all_composites())
    BOOST_TEST_CONTEXT("composite " << c) { expect_identical(t, in, make_composite(c), x); }
}

// conv(no bias) -> batch_normalization (merged: the conv is rebuilt with a bias) -> relu ->
// batch_normalization (unmerged: LRP treats it as linear) -> flatten -> dense.
BOOST_AUTO_TEST_CASE(conv_batch_norm_relevance_is_bit_identical_under_every_rule_and_composite) {
  const Shape in{2, 6, 6};
  Twin t = make_twin({{{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"use_bias", false}}, {2, 6, 6}},
                      {{{"type", "batch_normalization"}}, {3, 4, 4}},
                      {{{"type", "relu"}}, {3, 4, 4}},
                      {{{"type", "batch_normalization"}}, {3, 4, 4}},
                      {{{"type", "flatten"}}, {3, 4, 4}},
                      {{{"type", "dense"}, {"units", 4}}, {48}}},
                     21);
  const Tensor x = random_tensor({3, 2, 6, 6}, 22, 0.0f, 1.0f);
  {
    Lrp renamed(stack(t.renamed), in, make_composite("epsilon"), {}, &registry());
    BOOST_TEST(renamed.plan()[0].role == "conv+batch_normalization");
    BOOST_TEST(renamed.plan()[1].rule == "merged_into_previous");
    BOOST_TEST(renamed.plan()[3].role == "normalization");
  }
  for (const std::string& rule : rule_names())
    BOOST_TEST_CONTEXT("rule " << rule) { expect_identical(t, in, everywhere(rule), x); }
  for (const std::string& c : all_composites())
    BOOST_TEST_CONTEXT("composite " << c) { expect_identical(t, in, make_composite(c), x); }
}

// A parameter LRP cannot place: role `other` under a rule that transforms parameters is an
// error naming the layer and the parameter, never a silent guess; LRP-0 needs no roles.
namespace {
class Scaled final : public Layer {
 public:
  std::string type() const override { return "scaled"; }
  LayerKind kind() const override { return LayerKind::linear; }
  Shape build(const Shape& s, Rng&) override {
    w_ = Tensor::from_shape({1});
    w_.fill(2.0f);
    g_ = w_;
    return s;
  }
  const Tensor& forward(const Tensor& x, Mode) override { return y_ = x * w_(0); }
  const Tensor& backward(const Tensor& g, Gradients) override { return dx_ = g * w_(0); }
  nlohmann::json config() const override { return {{"type", "scaled"}, {"name", name()}}; }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Scaled>(*this); }

 protected:
  std::vector<ConstParamRef> list_params() const override { return {{"s", ParamRole::other, &w_, &g_, true}}; }

 private:
  Tensor w_, g_, y_, dx_;
};
}  // namespace

BOOST_AUTO_TEST_CASE(a_parameter_of_role_other_stops_rules_that_transform_parameters) {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(std::make_unique<Scaled>());
  net.back()->set_name("scaler");
  Rng rng(1);
  net.back()->build({3}, rng);
  const Tensor x = random_tensor({2, 3}, 5, 0.1f, 1.0f);
  BOOST_CHECK_EXCEPTION(Lrp(stack(net), {3}, everywhere("zplus")), Error, [](const Error& e) {
    const std::string m = e.what();
    return m.find("layer 'scaler'") != std::string::npos && m.find("parameter 's' has role 'other'") != std::string::npos;
  });
  Lrp plain(stack(net), {3}, everywhere("lrp0"));
  LrpResult r = plain.explain(x, Target::of_class(0));
  BOOST_TEST(r.input_relevance(0, 0) == 2.0f * x(0, 0));
}
