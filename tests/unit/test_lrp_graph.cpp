// Explaining graph models: LRP through merges and fan-outs (Captum's skip-connection
// golden value, conservation on a bias-free residual network, LRP-0 against
// gradient x input, BatchNorm canonised inside a branch, every composite), and the
// baselines (gradient against finite differences, integrated gradients' completeness,
// occlusion against logits computed by hand, SmoothGrad) on graphs.
#define BOOST_TEST_MODULE lrp_graph
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "glassbox/error.h"
#include "glassbox/explain/attribution_method.h"
#include "glassbox/explain/attributions.h"
#include "glassbox/explain/composites.h"
#include "glassbox/explain/lrp.h"
#include "layer_plugin.h"
#include "model_fixture.h"

using namespace glassbox;
using namespace glassbox::explain;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

// A bias-free residual network with every merge: stem -> (c1 -> c2) + stem -> relu,
// averaged with stem, joined with c1 along channels, pooled, dense.
MyDeepLearning residual_net(bool bias, unsigned long long seed = 61) {
  MyDeepLearning m(model_registry(), seed);
  const json conv = {{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}, {"use_bias", bias}};
  json stem = conv, c1 = conv, c2 = conv;
  stem["name"] = "stem", stem["activation"] = "relu";
  c1["name"] = "c1", c1["activation"] = "relu";
  c2["name"] = "c2";
  m.add(stem);
  m.add(c1);
  m.add(c2);
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"c2", "stem"}}});
  m.add({{"type", "relu"}, {"name", "act"}});
  m.add({{"type", "average"}, {"name", "avg"}, {"inputs", {"act", "stem"}}});
  m.add({{"type", "concatenate"}, {"name", "cat"}, {"inputs", {"avg", "c1"}}});
  m.add({{"type", "flatten"}, {"name", "flat"}});
  m.add({{"type", "dense"}, {"name", "out"}, {"units", 4}, {"use_bias", bias}});
  m.build({1, 8, 8});
  return m;
}

Tensor images(std::size_t n, unsigned long long seed) { return corner_images(n, seed).batch_range(0, n); }

double relative_error(const Tensor& a, const Tensor& b) {
  double worst = 0, scale = 1e-12;
  for (std::size_t i = 0; i < a.size(); ++i) scale = std::max(scale, std::abs(double(b.data()[i])));
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(double(a.data()[i]) - b.data()[i]));
  return worst / scale;
}

Explanation run_method(ExplainedNetwork& net, const std::string& method, const Tensor& x, const Target& t,
                       const json& composite = "epsilon-plus") {
  ExplainRequest r;
  r.method = method;
  r.composite = composite;
  return make_method(r)->attribute(net, x, t, true);
}

}  // namespace

BOOST_AUTO_TEST_CASE(captum_skip_connection_golden_value) {
  // Captum's test: Linear(2, 2) with all weights 5 and no bias, output = linear(x) + x,
  // x = [2, 3], target 1: relevance [10, 18] (15 through the linear layer, 3 skipping it).
  MyDeepLearning m(model_registry());
  m.add({{"type", "dense"}, {"name", "lin"}, {"units", 2}, {"use_bias", false}});
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"lin", "input"}}});
  m.build({2});
  param(m.layer("lin"), "kernel").fill(5.0f);
  const Tensor x{{2.0f, 3.0f}};
  {
    // LRP-0 on the linear layer (Captum's epsilon is 1e-9; the composite "epsilon" takes 0.25).
    Lrp lrp(m, make_composite("lrp0"));
    const LrpResult r = lrp.explain(x, Target::of_class(1));
    BOOST_TEST(r.logit[0] == 28.0f);
    BOOST_TEST(std::abs(r.input_relevance(0, 0) - 10.0f) < 1e-5);
    BOOST_TEST(std::abs(r.input_relevance(0, 1) - 18.0f) < 1e-5);
    // Relevance on the linear layer's output: 25 of the 28 on unit 1.
    BOOST_TEST(std::abs(r.layer_relevance[0](0, 1) - 25.0f) < 1e-5);
    BOOST_TEST(r.layer_relevance[0](0, 0) == 0.0f);
    BOOST_TEST(r.plan[1].rule == "split_by_contribution");
  }
  // The same through the AttributionMethod interface (the driver's path).
  ExplainedNetwork net(m);
  const Explanation e = run_method(net, "lrp", x, Target::of_class(1), "lrp0");
  BOOST_TEST(std::abs(e.attribution.relevance(0, 0) - 10.0f) < 1e-5);
  BOOST_TEST(std::abs(e.attribution.relevance(0, 1) - 18.0f) < 1e-5);
}

BOOST_AUTO_TEST_CASE(a_concept_of_a_bypassed_layer_holds_only_the_relevance_through_it) {
  // Captum's network again (output = lin(x) + x, weights 5, x = [2, 3], class 1, LRP-0):
  // of the input relevance [10, 18], [10, 15] flows through lin (x times the path's weight
  // 5) and [0, 3] along the skip. Conditioned on lin: the whole layer keeps [10, 15]; its
  // unit 1 (which feeds class 1) [10, 15]; its unit 0 (which feeds class 0 only) [0, 0].
  // The skip's share belongs to no concept of lin.
  MyDeepLearning m(model_registry());
  m.add({{"type", "dense"}, {"name", "lin"}, {"units", 2}, {"use_bias", false}});
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"lin", "input"}}});
  m.build({2});
  param(m.layer("lin"), "kernel").fill(5.0f);
  Lrp lrp(m, make_composite("lrp0"));
  ConceptCondition c;
  c.layer = m.layer_index("lin");
  c.keep = {-1, 1, 0};
  const LrpResult r = lrp.explain(Tensor{{2.0f, 3.0f}, {2.0f, 3.0f}, {2.0f, 3.0f}}, {1, 1, 1}, c);
  const float expected[3][2] = {{10.0f, 15.0f}, {10.0f, 15.0f}, {0.0f, 0.0f}};
  for (std::size_t row = 0; row < 3; ++row)
    for (std::size_t k = 0; k < 2; ++k)
      BOOST_TEST(std::abs(r.input_relevance(row, k) - expected[row][k]) < 1e-5, "row " << row << " input " << k);
  // Above the conditioned layer nothing changes: the logit and the add node's relevance.
  BOOST_TEST(r.logit[0] == 28.0f);
  BOOST_TEST(std::abs(r.layer_sums[0][m.layer_index("sum")] - 28.0) < 1e-5);
}

BOOST_AUTO_TEST_CASE(the_concepts_of_a_layer_sum_to_the_relevance_through_it_on_a_residual_network) {
  // residual_net: c1 and c2 are bypassed by the skip from stem into "sum" (c1 also feeds
  // "cat"); every path from the input passes stem. For each, the conditional input
  // relevances of its 4 channels sum to the relevance conditioned on the whole layer,
  // which is the unconditional relevance at stem and only a part of it at c2.
  MyDeepLearning m = residual_net(false);
  Lrp lrp(m, make_composite("lrp0"));
  const std::size_t n = 3, channels = 4;
  const auto data = corner_images(n, 63);
  const Tensor x = data.batch_range(0, n);
  std::vector<int> targets(n, 2);
  const LrpResult plain = lrp.explain(x, targets);
  for (const char* name : {"stem", "c1", "c2"}) {
    ConceptCondition whole{m.layer_index(name), std::vector<int>(n, -1)};
    const Tensor through = lrp.explain(x, targets, whole).input_relevance;
    ConceptCondition each{m.layer_index(name), {}};
    std::vector<std::size_t> rows;
    std::vector<int> t;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t ch = 0; ch < channels; ++ch) rows.push_back(s), t.push_back(2), each.keep.push_back(int(ch));
    const Tensor parts = lrp.explain(data.batch(rows), t, each).input_relevance;
    Tensor summed = Tensor::from_shape(through.shape());
    summed.fill(0.0f);
    const std::size_t per = through.size() / n;
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t ch = 0; ch < channels; ++ch)
        for (std::size_t k = 0; k < per; ++k) summed.data()[s * per + k] += parts.data()[(s * channels + ch) * per + k];
    BOOST_TEST(relative_error(summed, through) < 1e-5, name);
    const double off = relative_error(through, plain.input_relevance);
    if (std::string(name) == "stem") BOOST_TEST(off < 1e-5, name);
    else BOOST_TEST(off > 1e-2, name << ": the skip's relevance is not through the layer");
  }
}

BOOST_AUTO_TEST_CASE(relevance_is_conserved_on_a_bias_free_residual_network) {
  MyDeepLearning m = residual_net(false);
  Lrp lrp(m, make_composite("lrp0"));
  const LrpResult r = lrp.explain(images(12, 62), Target::all());
  BOOST_TEST(r.rows() == 48u);
  for (std::size_t row = 0; row < r.rows(); ++row) {
    // Relative to the logit, with 1 as the floor: a logit near 0 is a difference of larger
    // relevances, summed in float.
    const double scale = std::max(1.0, std::abs(double(r.logit[row])));
    BOOST_TEST(std::abs(r.input_sum[row] - r.logit[row]) <= 1e-5 * scale, "row " << row << ": " << r.conservation_error(row));
    // The layers every path passes through hold the whole logit too; the others (a
    // branch, or a layer that feeds two) hold a share of it.
    for (const char* name : {"out", "flat", "cat"}) {
      const double sum = r.layer_sums[row][m.layer_index(name)];
      BOOST_TEST(std::abs(sum - r.logit[row]) <= 1e-5 * std::max(1.0, std::abs(double(r.logit[row]))), name);
    }
  }
  const json summary = r.summary(0);
  BOOST_TEST((summary["layers"][3]["inputs"] == json({2, 0})));
  BOOST_TEST(!summary["layers"][3].contains("absorbed"));
}

BOOST_AUTO_TEST_CASE(lrp0_equals_gradient_times_input_through_merges) {
  // On a bias-free ReLU network LRP-0 is gradient x input (Ancona et al. 2018), through
  // add, average and concatenate too; the gradient comes from another code path
  // (ExplainedNetwork::logit_gradient), and is itself checked against finite differences.
  MyDeepLearning m = residual_net(false, 63);
  const Tensor x = images(6, 64);
  Lrp lrp(m, make_composite("lrp0"));
  const LrpResult r = lrp.explain(x, Target::of_class(2));
  ExplainedNetwork net(m);
  const Attribution gxi = attribute(net, "gradient_x_input", x, Target::of_class(2));
  BOOST_TEST(relative_error(r.input_relevance, gxi.relevance) < 1e-4);
  const Attribution g = attribute(net, "gradient", x, Target::of_class(2));
  Tensor probe = gather_rows(x, {0});
  // A ReLU switching inside +-eps spoils a difference quotient; at most one of the ten
  // pixels may meet one.
  const float eps = 1e-3f;
  std::size_t mismatches = 0;
  for (std::size_t px = 0; px < 64; px += 7) {
    const float keep = probe.data()[px];
    probe.data()[px] = keep + eps;
    const double up = net.logits(probe)(0, 2);
    probe.data()[px] = keep - eps;
    const double down = net.logits(probe)(0, 2);
    probe.data()[px] = keep;
    const double numeric = (up - down) / (2 * eps);
    if (!(std::abs(numeric - g.relevance.data()[px]) < 2e-3 + 2e-2 * std::abs(numeric))) ++mismatches;
  }
  BOOST_TEST(mismatches <= 1u);
}

BOOST_AUTO_TEST_CASE(batch_norm_inside_a_branch_is_canonised) {
  MyDeepLearning m(model_registry(), 65);
  m.add({{"type", "conv2d"}, {"name", "stem"}, {"filters", 3}, {"kernel_size", 3}, {"padding", "same"}, {"activation", "relu"}});
  m.add({{"type", "conv2d"}, {"name", "c1"}, {"filters", 3}, {"kernel_size", 3}, {"padding", "same"}});
  m.add({{"type", "batch_normalization"}, {"name", "bn1"}});
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"bn1", "stem"}}});
  m.add({{"type", "relu"}});
  m.add({{"type", "global_avg_pool2d"}});
  m.add({{"type", "dense"}, {"name", "out"}, {"units", 4}});
  m.compile({{"type", "adam"}, {"learning_rate", 0.01}}, "sparse_categorical_crossentropy");
  m.fit(corner_images(64, 66), FitOptions().epochs(1).batch_size(16).verbose(0));  // running statistics
  Lrp lrp(m, make_composite("epsilon-plus"));
  const auto& plan = lrp.plan();
  BOOST_TEST(plan[1].role == "conv+batch_normalization");
  BOOST_TEST(plan[2].rule == "merged_into_previous");
  BOOST_TEST(plan[3].role == "merge");
  // The canonised network computes the model's logits.
  const Tensor x = images(5, 67);
  const LrpResult r = lrp.explain(x, Target::predicted());
  const Tensor logits = ExplainedNetwork(m).logits(x);
  for (std::size_t row = 0; row < r.rows(); ++row)
    BOOST_TEST(std::abs(r.logit[row] - logits(row, static_cast<std::size_t>(r.target[row]))) < 1e-4);
}

BOOST_AUTO_TEST_CASE(every_composite_and_baseline_explains_a_graph) {
  MyDeepLearning m = residual_net(true, 68);
  const Tensor x = images(4, 69);
  ExplainedNetwork net(m);
  for (const std::string& c : composite_names()) {
    BOOST_TEST_CONTEXT("composite " << c) {
      const Explanation e = run_method(net, "lrp", x, Target::predicted(), c);
      BOOST_TEST(e.attribution.relevance.size() == x.size());
      bool finite = true;
      for (float v : e.attribution.relevance) finite = finite && std::isfinite(v);
      BOOST_TEST(finite);
    }
  }
  // Integrated gradients: completeness, sum = logit(x) - logit(0).
  AttributionOptions o;
  o.steps = 128;
  const Attribution ig = attribute(net, "integrated_gradients", x, Target::of_class(1), o);
  const Tensor zero = xt::zeros<float>({std::size_t{1}, std::size_t{1}, std::size_t{8}, std::size_t{8}});
  const double base = net.logits(zero)(0, 1);
  for (std::size_t row = 0; row < ig.rows(); ++row) {
    double sum = 0;
    for (std::size_t k = 0; k < 64; ++k) sum += ig.relevance.data()[row * 64 + k];
    BOOST_TEST(std::abs(sum - (ig.logit[row] - base)) < 2e-2 * std::max(1.0, std::abs(ig.logit[row] - base)));
  }
  // Occlusion with 1-pixel patches: the drop of the logit when that pixel is zeroed.
  o.patch = 1;
  o.stride = 1;
  const Attribution occ = attribute(net, "occlusion", x, Target::of_class(1), o);
  Tensor probe = gather_rows(x, {2});
  const double full = net.logits(probe)(0, 1);
  for (std::size_t px = 0; px < 64; px += 5) {
    const float keep = probe.data()[px];
    probe.data()[px] = 0.0f;
    const double drop = full - net.logits(probe)(0, 1);
    probe.data()[px] = keep;
    BOOST_TEST(std::abs(drop - occ.relevance.data()[2 * 64 + px]) < 1e-4, "pixel " << px);
  }
  // SmoothGrad: the mean of gradients, so with no noise the gradient itself.
  o.noise = 0.0f;
  o.samples = 3;
  const Attribution sg = attribute(net, "smoothgrad", x, Target::of_class(1), o);
  const Attribution g = attribute(net, "gradient", x, Target::of_class(1));
  BOOST_TEST(relative_error(sg.relevance, g.relevance) < 1e-5);
}

BOOST_AUTO_TEST_CASE(a_sequential_model_explains_as_before) {
  // The graph walk hands relevance on by pointer in a chain: LRP on a sequential model
  // and on the same layers as a stack (the path tests and plugins use) agree bit for bit.
  MyDeepLearning m(model_registry(), 70);
  m.add({{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"activation", "relu"}});
  m.add({{"type", "max_pool2d"}, {"pool_size", 2}});
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 4}});
  m.build({1, 8, 8});
  const Tensor x = images(6, 71);
  Lrp a(m, make_composite("epsilon-plus"));
  std::vector<const Layer*> layers;
  for (std::size_t i = 0; i < m.size(); ++i) layers.push_back(&m.layer(i));
  Lrp b(layers, {1, 8, 8}, make_composite("epsilon-plus"));
  const LrpResult ra = a.explain(x), rb = b.explain(x);
  BOOST_TEST(std::equal(ra.input_relevance.begin(), ra.input_relevance.end(), rb.input_relevance.begin()));
  BOOST_TEST(ra.summary(0)["layers"][0].contains("absorbed"));
}
