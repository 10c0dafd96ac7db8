// Composites as ordered (matcher -> rule) lists: the built-ins written out as an
// experiment file would write them give bit-identical relevance; a rule and a composite
// registered from outside the library (as a plugin does) are used by name; every bad
// matcher, rule or rule parameter is an error naming its key and entry position.
#define BOOST_TEST_MODULE lrp_composites
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>

#include "glassbox/error.h"
#include "glassbox/explain/lrp.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

// conv(relu) -> batch_normalization (not mergeable: the conv has a fused activation) ->
// avg_pool -> flatten -> dense -> relu -> dense: every kind a composite distinguishes.
std::vector<std::unique_ptr<Layer>> every_kind_net(unsigned long long seed) {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(make_layer({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}},
                           {1, 8, 8}, seed));
  net.push_back(make_layer({{"type", "batch_normalization"}}, {4, 6, 6}));
  net.push_back(make_layer({{"type", "avg_pool2d"}, {"pool_size", 2}}, {4, 6, 6}));
  net.push_back(make_layer({{"type", "flatten"}}, {4, 3, 3}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 12}}, {36}, seed + 1));
  net.push_back(make_layer({{"type", "relu"}}, {12}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 3}}, {12}, seed + 2));
  param(*net[0], "bias") = random_tensor({4}, seed + 3, -0.2f, 0.2f);
  param(*net[1], "gamma") = random_tensor({4}, seed + 4, 0.5f, 2.0f);
  param(*net[1], "beta") = random_tensor({4}, seed + 5, -0.5f, 0.5f);
  param(*net[1], "moving_mean") = random_tensor({4}, seed + 6, -0.5f, 0.5f);
  param(*net[1], "moving_variance") = random_tensor({4}, seed + 7, 0.2f, 2.0f);
  param(*net[4], "bias") = random_tensor({12}, seed + 8, -0.2f, 0.2f);
  param(*net[6], "bias") = random_tensor({3}, seed + 9, -0.2f, 0.2f);
  return net;
}

LrpResult explain_with(const std::vector<std::unique_ptr<Layer>>& net, const Composite& c, const Tensor& x) {
  Lrp lrp(stack(net), {1, 8, 8}, c, {}, &layer_registry());
  return lrp.explain(x, Target::all());
}

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

// The explain section of an experiment file that writes out the built-ins (in other
// words, with other matchers where they pick the same layers).
const char* kExperimentExplain = R"({
  "rule_params": {"epsilon": 0.01, "gamma": 0.5, "low": -1, "high": 2},
  "composites": {
    "my-epsilon-plus": [{"match": {"kind": "dense"}, "rule": "epsilon"},
                        {"match": {"kind": "conv"}, "rule": "zplus"},
                        {"match": {"kind": "avg_pool"}, "rule": "epsilon"},
                        {"match": {"kind": "normalization"}, "rule": "epsilon"}],
    "my-epsilon-gamma-box": [{"match": {"position": "first_linear"}, "rule": "zbox"},
                             {"match": {"type": "dense"}, "rule": "epsilon"},
                             {"match": {"kind": "conv"}, "rule": {"rule": "gamma"}},
                             {"match": {}, "rule": "epsilon"}],
    "my-epsilon-alpha2-beta1-flat": [{"match": {"index": 0}, "rule": "flat"},
                                     {"match": {"kind": "conv"}, "rule": {"rule": "alpha_beta", "alpha": 2, "beta": 1}},
                                     {"match": {}, "rule": "epsilon"}],
    "my-lrp0": [{"match": {}, "rule": "lrp0"}],
    "my-epsilon-plus-flat": {"base": "my-epsilon-plus", "rules": [{"match": {"position": "first"}, "rule": "flat"}]}
  }
})";

}  // namespace

BOOST_AUTO_TEST_CASE(builtins_written_out_in_an_experiment_file_give_bit_identical_relevance) {
  // Defaults are read as float the way the rules always took them.
  BOOST_TEST(make_rule(json("epsilon"))->parameters()["epsilon"].get<float>() == 1e-6f);
  const json section = json::parse(kExperimentExplain);
  check_composite_definitions(section["composites"], section["rule_params"], "exp.json: explain.composites");
  auto net = every_kind_net(5);
  Tensor x = random_tensor({3, 1, 8, 8}, 6, 0.0f, 1.0f);
  for (const char* name : {"epsilon-plus", "epsilon-gamma-box", "epsilon-alpha2-beta1-flat", "lrp0", "epsilon-plus-flat"}) {
    BOOST_TEST_CONTEXT(name) {
      const Composite builtin = make_composite(name, section["rule_params"]);
      const Composite mine =
          make_composite(std::string("my-") + name, section["rule_params"], section["composites"]);
      BOOST_TEST(mine.name == std::string("my-") + name);
      const LrpResult a = explain_with(net, builtin, x), b = explain_with(net, mine, x);
      BOOST_TEST(same_bits(a.input_relevance, b.input_relevance));
      BOOST_REQUIRE_EQUAL(a.plan.size(), b.plan.size());
      for (std::size_t i = 0; i < a.plan.size(); ++i) {
        BOOST_TEST(a.plan[i].rule == b.plan[i].rule);
        BOOST_TEST(a.plan[i].rule_parameters == b.plan[i].rule_parameters);
        BOOST_TEST(same_bits(a.layer_relevance[i], b.layer_relevance[i]));
      }
    }
  }
  // The kinds reached every rule slot: zB on the conv, epsilon (0.01) on BN, avg_pool, dense.
  const LrpResult box = explain_with(net, make_composite("epsilon-gamma-box", section["rule_params"]), x);
  BOOST_TEST(box.plan[0].rule == "zbox");
  BOOST_TEST(box.plan[0].rule_parameters["low"].get<float>() == -1.0f);
  for (std::size_t i : {1u, 2u, 4u, 6u}) {
    BOOST_TEST_INFO("layer " << i);
    BOOST_TEST(box.plan[i].rule == "epsilon");
    BOOST_TEST(box.plan[i].rule_parameters["epsilon"].get<float>() == 0.01f);
  }
}

BOOST_AUTO_TEST_CASE(matchers_pick_layers_by_kind_type_name_index_and_position) {
  auto net = every_kind_net(7);
  net[4]->set_name("hidden");
  const Composite c = composite_from_json(json::parse(R"([
      {"match": {"position": "last_linear"}, "rule": "lrp0"},
      {"match": {"name": "hidden"}, "rule": {"rule": "gamma", "gamma": 0.75}},
      {"match": {"index": 0, "kind": "conv"}, "rule": "wsquare"},
      {"match": {"type": "avg_pool2d"}, "rule": "flat"},
      {"match": {"kind": "linear"}, "rule": "zplus"},
      {"match": {}, "rule": {"rule": "epsilon", "epsilon": 0.5}}])"));
  Lrp lrp(stack(net), {1, 8, 8}, c, {}, &layer_registry());
  const auto& plan = lrp.plan();
  BOOST_TEST(plan[0].rule == "wsquare");
  BOOST_TEST(plan[1].rule == "epsilon");  // normalization is not "linear"
  BOOST_TEST(plan[1].rule_parameters["epsilon"].get<float>() == 0.5f);
  BOOST_TEST(plan[2].rule == "flat");
  BOOST_TEST(plan[4].rule == "gamma");
  BOOST_TEST(plan[4].rule_parameters["gamma"].get<float>() == 0.75f);
  BOOST_TEST(plan[6].rule == "lrp0");
  BOOST_TEST(c.to_json()["entries"][1]["match"] == json({{"name", "hidden"}}));
}

namespace {

// A rule as a plugin writes one: LRP-0 passing down only `share` of the relevance.
class ShareRule final : public LrpRule {
 public:
  explicit ShareRule(float share) : share_(share) {}
  std::string name() const override { return "test_share"; }
  std::vector<LrpGroup> groups() const override {
    return {LrpGroup{{LrpTerm{InputTransform::identity(), {}, 1.0f}}, share_, 0.0f}};
  }

 private:
  float share_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_rule_and_a_composite_registered_from_outside_are_used_by_name) {
  const std::vector<OptionSpec> options = {{"share", "float", 0.5, 0, 1, "share of the relevance passed down"}};
  rule_registry().add(FactoryInfo{"test_share", "LRP-0 keeping a share", options_schema(options), "test"},
                      RuleFactory{options, [](json& v) { return std::make_shared<ShareRule>(v.at("share").get<float>()); }});
  BOOST_CHECK_THROW(rule_registry().add(FactoryInfo{"test_share", "again", json::object(), "test2"}, RuleFactory{}),
                    PluginError);
  // The one description gives the schema, the default, the range and the unknown-key error.
  const FactoryInfo& info = rule_registry().info("test_share", "test");
  BOOST_TEST(info.parameters["share"]["default"].get<double>() == 0.5);
  BOOST_TEST(info.parameters["share"]["max"].get<double>() == 1.0);
  BOOST_TEST(make_rule(json("test_share"))->parameters() == json({{"share", 0.5f}}));
  BOOST_TEST(error_of([] { make_rule(json{{"rule", "test_share"}, {"shar", 1}}, {}, "c.0.rule"); }) ==
             "c.0.rule (rule 'test_share'): unknown parameter 'shar' (known: share)");
  BOOST_TEST(error_of([] { make_rule(json{{"rule", "test_share"}, {"share", 2}}, {}, "c.0.rule"); }) ==
             "c.0.rule (rule 'test_share'): 'share' must be a number in [0, 1], got 2");
  check_rule_params(json{{"share", 0.25}}, "--rule-param");  // a known rule parameter now

  // A composite using it on the output layer, registered by name as a plugin would.
  register_composite("test-share-top", "a quarter of the logit, then LRP-0",
                     json::parse(R"([{"match": {"position": "last_linear"}, "rule": {"rule": "test_share", "share": 0.25}},
                                     {"match": {}, "rule": "lrp0"}])"),
                     "test");
  BOOST_TEST(composite_registry().contains("test-share-top"));
  auto net = every_kind_net(9);
  Tensor x = random_tensor({2, 1, 8, 8}, 10, 0.0f, 1.0f);
  const LrpResult shared = explain_with(net, make_composite("test-share-top"), x);
  const LrpResult plain = explain_with(net, make_composite("lrp0"), x);
  BOOST_TEST(shared.plan[6].rule == "test_share");
  BOOST_TEST(shared.plan[6].rule_parameters["share"].get<float>() == 0.25f);
  double scale = 0;
  for (float v : plain.input_relevance) scale = std::max(scale, std::fabs(double(v)));
  BOOST_REQUIRE(scale > 0);
  for (std::size_t i = 0; i < x.size() / x.shape(0) * shared.rows(); ++i) {
    BOOST_TEST_INFO("value " << i);
    BOOST_TEST(std::fabs(shared.input_relevance.data()[i] - 0.25 * plain.input_relevance.data()[i]) <= 1e-6 * scale);
  }
  // A plugin whose registration failed takes its entries with it.
  composite_registry().remove_origin("test");
  rule_registry().remove_origin("test");
  BOOST_TEST(!composite_registry().contains("test-share-top"));
  BOOST_TEST(!rule_registry().contains("test_share"));
}

BOOST_AUTO_TEST_CASE(bad_matchers_rules_and_parameters_name_the_key_and_position) {
  struct Case {
    const char* spec;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"([{"match": {"kind": "dense"}, "rule": "epsilon"}, {"match": {"knd": "conv"}, "rule": "zplus"}])",
       "composite.1.match: unknown key 'knd' (known: kind, type, name, index, position)"},
      {R"([{"match": {"kind": "convolution"}, "rule": "zplus"}])",
       "composite.0.match.kind: unknown kind 'convolution' (known: dense, conv, avg_pool, normalization, linear)"},
      {R"([{"match": {"position": "middle"}, "rule": "zplus"}])",
       "composite.0.match.position: unknown position 'middle' (known: first_linear, last_linear)"},
      {R"([{"match": {"index": -1}, "rule": "zplus"}])", "composite.0.match.index: expected a layer index"},
      {R"([{"match": {}, "rule": "gama"}])", "composite.0.rule: unknown LRP rule 'gama' (known: lrp0, epsilon, gamma,"},
      {R"([{"match": {}, "rule": {"rule": "gamma", "gama": 1}}])",
       "composite.0.rule (rule 'gamma'): unknown parameter 'gama' (known: gamma)"},
      {R"([{"match": {}, "rule": {"rule": "zplus", "epsilon": 1}}])",
       "composite.0.rule (rule 'zplus'): unknown parameter 'epsilon' (known: none)"},
      {R"([{"match": {}, "rule": {"rule": "gamma", "gamma": -1}}])",
       "composite.0.rule (rule 'gamma'): 'gamma' must be a number in [0, inf), got -1"},
      {R"([{"match": {}, "rule": {"rule": "alpha_beta", "alpha": 2, "beta": 2}}])",
       "composite.0.rule: alpha-beta rule: needs alpha - beta = 1"},
      {R"([{"match": {}, "rul": "gamma"}])", "composite.0: unknown key 'rul' (known: match, rule)"},
      {R"([{"match": {}}])", "composite.0: missing \"rule\""},
      {R"([5])", "composite.0: expected {\"match\": {...}, \"rule\": RULE}, got 5"},
      {R"("epsilon-pluss")", "composite: unknown LRP composite 'epsilon-pluss' (known: epsilon-plus,"},
      {R"({"dense": "epsilon", "convv": "zplus"})", "composite: unknown key 'convv'"},
      {R"({"rules": 5})", "composite.rules: expected a list of {\"match\": {...}, \"rule\": RULE} entries, got 5"},
  };
  for (const Case& c : cases) {
    const std::string m = error_of([&] { composite_from_json(json::parse(c.spec)); });
    BOOST_TEST_INFO(c.spec << " -> " << m);
    BOOST_TEST(m.rfind(c.message, 0) == 0);
  }
  const std::string params_error = error_of([] { composite_from_json(json("epsilon-plus"), json{{"gama", 1}}); });
  BOOST_TEST(params_error.find("unknown rule parameter 'gama' (known: epsilon, gamma, alpha, beta, low, high)") !=
                 std::string::npos,
             params_error);
  // Command-line values come as text when they are not JSON: read as the float they name.
  BOOST_TEST(make_rule(json("epsilon"), json{{"epsilon", ".1"}})->parameters()["epsilon"].get<float>() == 0.1f);
  BOOST_TEST(error_of([] { make_rule(json("epsilon"), json{{"epsilon", "abc"}}, "--rule-param"); }) ==
             "--rule-param (rule 'epsilon'): 'epsilon' must be a number in [0, inf), got \"abc\"");
  // Definitions of an experiment file: named by their key; no cycles, no shadowing.
  const std::string where = "exp.json: explain.composites";
  BOOST_TEST(error_of([&] {
               check_composite_definitions(json::parse(R"({"mine": [{"match": {}, "rule": {"rule": "zbox", "lo": 0}}]})"),
                                           json::object(), where);
             }) == "exp.json: explain.composites.mine.0.rule (rule 'zbox'): unknown parameter 'lo' (known: low, high)");
  BOOST_TEST(error_of([&] {
               check_composite_definitions(json::parse(R"({"a": {"base": "b"}, "b": {"base": "a"}})"), json::object(), where);
             }).find("name each other in a cycle") != std::string::npos);
  BOOST_TEST(error_of([&] {
               check_composite_definitions(json::parse(R"({"epsilon-plus": [{"rule": "lrp0"}]})"), json::object(), where);
             }) == "exp.json: explain.composites.epsilon-plus: a registered composite has this name; give the "
                   "definition another");
  BOOST_TEST(error_of([&] { composite_from_json("mine", json::object(), "explain.composite", json::parse(R"({"other": []})")); })
                 .find("defined in this file: other") != std::string::npos);
}
