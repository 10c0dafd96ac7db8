// LRP rules and engine: Captum's hand-computed cases, every rule against a slow reference
// written straight from its formula (explicit edge lists, double precision), max-pooling's
// winner-take-all, LRP-0 == gradient x input on ReLU/max-pool networks, exact conservation
// on bias-free ReLU networks, BatchNorm canonization.
#define BOOST_TEST_MODULE lrp_rules
#include <boost/test/unit_test.hpp>

#include "glassbox/parallel.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "glassbox/error.h"
#include "glassbox/explain/lrp.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

// Captum's tests/attr/test_lrp.py `_get_simple_model`: x = [1, 2, 3], W1 = 2 ones(3x3),
// ReLU, W2 = 3 ones(1x3), no bias.
std::vector<std::unique_ptr<Layer>> captum_model(bool negative_w00) {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(make_layer({{"type", "dense"}, {"units", 3}, {"use_bias", false}}, {3}));
  net.push_back(make_layer({{"type", "relu"}}, {3}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 1}, {"use_bias", false}}, {3}));
  param(*net[0], "kernel").fill(2.0f);
  if (negative_w00) param(*net[0], "kernel")(0, 0) = -2.0f;
  param(*net[2], "kernel").fill(3.0f);
  return net;
}

Tensor captum_input() {
  Tensor x = Tensor::from_shape({1, 3});
  x(0, 0) = 1, x(0, 1) = 2, x(0, 2) = 3;
  return x;
}

void expect_values(const Tensor& got, const std::vector<double>& want, double tol) {
  BOOST_REQUIRE_EQUAL(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    BOOST_TEST_INFO("index " << i << ": got " << got.data()[i] << ", want " << want[i]);
    BOOST_TEST(std::fabs(got.data()[i] - want[i]) <= tol * (1.0 + std::fabs(want[i])));
  }
}

// ---- The slow reference: a linear layer as a list of edges (input i, output j, weight w)
// plus a bias per output, for one sample. Every rule's formula is written over edges.
struct Edge {
  std::size_t i, j;
  double w;
};
struct EdgeLayer {
  std::size_t inputs = 0, outputs = 0;
  std::vector<Edge> edges;
  std::vector<double> bias;
};

EdgeLayer dense_edges(Layer& dense, std::size_t in, std::size_t units, bool bias) {
  EdgeLayer e{in, units, {}, std::vector<double>(units, 0.0)};
  const Tensor& k = param(dense, "kernel");  // (in, units)
  for (std::size_t i = 0; i < in; ++i)
    for (std::size_t j = 0; j < units; ++j) e.edges.push_back({i, j, k(i, j)});
  if (bias)
    for (std::size_t j = 0; j < units; ++j) e.bias[j] = param(dense, "bias")(j);
  return e;
}

// Conv2D with kernel (F, C, kh, kw), stride s, padding p (top/left), output oh x ow.
EdgeLayer conv_edges(Layer& conv, std::size_t c, std::size_t h, std::size_t w, std::size_t f,
                     std::size_t k, std::size_t stride, std::size_t pad, std::size_t oh, std::size_t ow,
                     bool bias) {
  EdgeLayer e{c * h * w, f * oh * ow, {}, std::vector<double>(f * oh * ow, 0.0)};
  const Tensor& kernel = param(conv, "kernel");
  for (std::size_t o = 0; o < f; ++o)
    for (std::size_t y = 0; y < oh; ++y)
      for (std::size_t x = 0; x < ow; ++x) {
        const std::size_t j = (o * oh + y) * ow + x;
        if (bias) e.bias[j] = param(conv, "bias")(o);
        for (std::size_t ch = 0; ch < c; ++ch)
          for (std::size_t a = 0; a < k; ++a)
            for (std::size_t b = 0; b < k; ++b) {
              const long iy = static_cast<long>(y * stride + a) - static_cast<long>(pad);
              const long ix = static_cast<long>(x * stride + b) - static_cast<long>(pad);
              if (iy < 0 || ix < 0 || iy >= static_cast<long>(h) || ix >= static_cast<long>(w)) continue;
              const std::size_t i = (ch * h + static_cast<std::size_t>(iy)) * w + static_cast<std::size_t>(ix);
              e.edges.push_back({i, j, kernel(o, ch, a, b)});
            }
      }
  return e;
}

double stabilize(double z, double eps) { return z + (z >= 0 ? eps : -eps); }
double pos(double v) { return v > 0 ? v : 0; }
double neg(double v) { return v < 0 ? v : 0; }

// R_i = sum_j q_ij / (sum_i' q_i'j + extra_j) R_j for a contribution function q.
// `bound` receives, per input, sum_j |q_ij R_j / z_j| * (sum_i' |q_i'j| + |extra_j|) / |z_j|:
// the factor by which float rounding in z_j is amplified when z_j is small against its
// terms (random signed inputs make such near-cancellations common); the comparison allows
// 1e-5 times (1 + bound), so well-conditioned values are held to 1e-5.
struct Reference {
  std::vector<double> value, bound;
};
template <class Q>
Reference redistribute(const EdgeLayer& L, const std::vector<double>& R, Q q,
                       const std::vector<double>& extra, double eps) {
  std::vector<double> z(extra), mass(L.outputs);
  for (std::size_t j = 0; j < L.outputs; ++j) mass[j] = std::fabs(extra[j]);
  for (const Edge& e : L.edges) z[e.j] += q(e), mass[e.j] += std::fabs(q(e));
  Reference out{std::vector<double>(L.inputs, 0.0), std::vector<double>(L.inputs, 0.0)};
  for (const Edge& e : L.edges) {
    const double d = stabilize(z[e.j], eps);
    if (d == 0) continue;
    out.value[e.i] += q(e) / d * R[e.j];
    out.bound[e.i] += std::fabs(q(e) / d * R[e.j]) * mass[e.j] / std::fabs(d);
  }
  return out;
}

Reference reference(const std::string& rule, const EdgeLayer& L, const std::vector<double>& x,
                    const std::vector<double>& R) {
  const double stab = kDefaultStabilizer;
  const std::vector<double> zero(L.outputs, 0.0);
  auto mapped = [&](double (*f)(double)) {
    std::vector<double> b(L.outputs);
    for (std::size_t j = 0; j < L.outputs; ++j) b[j] = f(L.bias[j]);
    return b;
  };
  if (rule == "lrp0") return redistribute(L, R, [&](const Edge& e) { return x[e.i] * e.w; }, L.bias, 0.0);
  if (rule == "epsilon") return redistribute(L, R, [&](const Edge& e) { return x[e.i] * e.w; }, L.bias, 0.25);
  if (rule == "gamma") {
    const double g = 0.25;
    std::vector<double> b(L.outputs);
    for (std::size_t j = 0; j < L.outputs; ++j) b[j] = L.bias[j] + g * pos(L.bias[j]);
    return redistribute(L, R, [&](const Edge& e) { return x[e.i] * (e.w + g * pos(e.w)); }, b, stab);
  }
  if (rule == "alpha2_beta1" || rule == "alpha1_beta0") {
    const double alpha = rule == "alpha2_beta1" ? 2 : 1, beta = alpha - 1;
    Reference p = redistribute(L, R, [&](const Edge& e) { return pos(x[e.i] * e.w); }, mapped(pos), stab);
    Reference n = redistribute(L, R, [&](const Edge& e) { return neg(x[e.i] * e.w); }, mapped(neg), stab);
    for (std::size_t i = 0; i < p.value.size(); ++i) {
      p.value[i] = alpha * p.value[i] - beta * n.value[i];
      p.bound[i] = alpha * p.bound[i] + beta * n.bound[i];
    }
    return p;
  }
  if (rule == "zplus") return redistribute(L, R, [&](const Edge& e) { return pos(x[e.i] * e.w); }, zero, stab);
  if (rule == "zbox") {
    const double l = -1, h = 1;
    return redistribute(L, R, [&](const Edge& e) { return x[e.i] * e.w - l * pos(e.w) - h * neg(e.w); }, zero, stab);
  }
  if (rule == "flat") return redistribute(L, R, [](const Edge&) { return 1.0; }, zero, stab);
  if (rule == "wsquare") return redistribute(L, R, [](const Edge& e) { return e.w * e.w; }, zero, stab);
  throw std::runtime_error("no reference for " + rule);
}

RulePtr rule_by_name(const std::string& name) {
  if (name == "epsilon") return epsilon_rule(0.25f);
  if (name == "zbox") return zbox_rule(-1.0f, 1.0f);
  return make_rule(json(name));
}

const std::vector<std::string> kAllRules = {"lrp0", "epsilon", "gamma", "alpha2_beta1", "alpha1_beta0",
                                            "zplus", "zbox", "flat", "wsquare"};

// Compares the engine's generic path with the reference for every sample of a batch.
void check_rules(Layer& layer, const EdgeLayer& edges, const Tensor& x, const Tensor& R) {
  const std::size_t n = x.shape(0);
  for (const std::string& rule : kAllRules) {
    Tensor got = propagate_linear(layer, rule_by_name(rule), x, R);
    BOOST_REQUIRE(got.shape() == x.shape());
    for (std::size_t s = 0; s < n; ++s) {
      std::vector<double> xs(edges.inputs), rs(edges.outputs);
      for (std::size_t i = 0; i < edges.inputs; ++i) xs[i] = x.data()[s * edges.inputs + i];
      for (std::size_t j = 0; j < edges.outputs; ++j) rs[j] = R.data()[s * edges.outputs + j];
      Reference want = reference(rule, edges, xs, rs);
      for (std::size_t i = 0; i < edges.inputs; ++i) {
        BOOST_TEST_INFO("rule " << rule << ", sample " << s << ", input " << i << ": got "
                                << got.data()[s * edges.inputs + i] << ", want " << want.value[i]);
        BOOST_TEST(std::fabs(got.data()[s * edges.inputs + i] - want.value[i]) <= 1e-5 * (1.0 + want.bound[i]));
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(captum_epsilon_gives_18_36_54_summing_to_the_output_108) {
  auto net = captum_model(false);
  Composite c = composite_from_json(json{{"dense", {{"rule", "epsilon"}, {"epsilon", 1e-9}}}});
  Lrp lrp(stack(net), {3}, c);
  LrpResult r = lrp.explain(captum_input());
  // h = ReLU(2 * (1+2+3)) = 12 for each of 3 units, output 3 * 36 = 108; the first layer gives
  // each hidden unit 36 and every unit splits it as x_i * 2 / 12: [6, 12, 18] * 3.
  expect_values(r.input_relevance, {18, 36, 54}, 1e-6);
  BOOST_TEST(r.logit[0] == 108.0f);
  BOOST_TEST(std::fabs(r.input_sum[0] - 108.0) < 1e-4);
  BOOST_TEST(std::fabs(r.conservation_error(0)) < 1e-6);
}

BOOST_AUTO_TEST_CASE(captum_gamma_with_negative_weight) {
  // W1[0][0] = -2: h = [-2+4+6, 12, 12] = [8, 12, 12], output 3 * 32 = 96.
  // Top layer (gamma 0.25, weights all positive): R_hidden = a * 3 = [24, 36, 36].
  // First layer gamma = 1: W' = W + W+ = [[-2, 4, 4] for unit 0, 4s for units 1, 2],
  // z' = [18, 24, 24], R/z' = [4/3, 3/2, 3/2];
  // R_x0 = 1 * (-2 * 4/3 + 4 * 3/2 + 4 * 3/2) = 28/3, R_x1 = 2 * (4 * 4/3 + 12) = 104/3,
  // R_x2 = 3 * 52/3 = 52 (Captum's values).
  auto net = captum_model(true);
  Composite c = composite_from_json(json{{"dense", "gamma"}, {"layers", {{"0", {{"rule", "gamma"}, {"gamma", 1}}}}}});
  Lrp lrp(stack(net), {3}, c);
  LrpResult r = lrp.explain(captum_input());
  expect_values(r.input_relevance, {28.0 / 3, 104.0 / 3, 52}, 1e-5);
  BOOST_TEST(r.logit[0] == 96.0f);
}

BOOST_AUTO_TEST_CASE(captum_alpha1_beta0_with_negative_weight) {
  // Top layer: R_hidden = [24, 36, 36]. First layer, positive contributions x_i w_ij only:
  // unit 0 gets [0, 4, 6] (z+ = 10), units 1, 2 get [2, 4, 6] (z+ = 12):
  // R_x0 = 2/12 * 36 * 2 = 12, R_x1 = 4/10 * 24 + 4/12 * 72 = 33.6,
  // R_x2 = 6/10 * 24 + 6/12 * 72 = 50.4 (Captum's values).
  auto net = captum_model(true);
  Composite c = composite_from_json(json{{"dense", "alpha1_beta0"}});
  Lrp lrp(stack(net), {3}, c);
  LrpResult r = lrp.explain(captum_input());
  expect_values(r.input_relevance, {12, 33.6, 50.4}, 1e-5);
}

BOOST_AUTO_TEST_CASE(every_rule_matches_its_formula_on_dense_layers_with_and_without_bias) {
  for (bool bias : {false, true}) {
    BOOST_TEST_CONTEXT("bias " << bias) {
      auto dense = make_layer({{"type", "dense"}, {"units", 5}, {"use_bias", bias}}, {7}, 3);
      if (bias) param(*dense, "bias") = random_tensor({5}, 4, -0.5f, 0.5f);
      Tensor x = random_tensor({4, 7}, 5);
      Tensor R = random_tensor({4, 5}, 6);
      check_rules(*dense, dense_edges(*dense, 7, 5, bias), x, R);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_rule_matches_its_formula_on_conv2d_layers_with_and_without_bias) {
  struct Case {
    bool bias;
    std::size_t stride;
    std::string padding;
  };
  for (const Case& cs : {Case{false, 1, "valid"}, Case{true, 1, "valid"}, Case{true, 2, "same"}}) {
    BOOST_TEST_CONTEXT("bias " << cs.bias << ", stride " << cs.stride << ", padding " << cs.padding) {
      auto conv = make_layer({{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"strides", cs.stride},
                              {"padding", cs.padding}, {"use_bias", cs.bias}},
                             {2, 6, 5}, 7);
      if (cs.bias) param(*conv, "bias") = random_tensor({3}, 8, -0.5f, 0.5f);
      Tensor x = random_tensor({2, 2, 6, 5}, 9);
      const Tensor& y = conv->forward(x, Mode::linear);
      const std::size_t oh = y.shape(2), ow = y.shape(3);
      // "same" with stride 2 on 6x5: OH = 3, OW = 3, total padding (3-1)*2+3-6 = 1 -> top 0,
      // and (3-1)*2+3-5 = 2 -> left 1; this reference handles one symmetric offset, so check it.
      std::size_t pad = 0;
      if (cs.padding == "same") {
        BOOST_REQUIRE_EQUAL(oh, 3u);
        BOOST_REQUIRE_EQUAL(ow, 3u);
      }
      Tensor R = random_tensor({2, 3, oh, ow}, 10);
      if (cs.padding == "same") {
        // Rows: total padding 1 -> top 0 (extra at the bottom); columns: 2 -> left 1. Use an
        // edge list built with those offsets.
        EdgeLayer e{2 * 6 * 5, 3 * oh * ow, {}, std::vector<double>(3 * oh * ow, 0.0)};
        const Tensor& kernel = param(*conv, "kernel");
        for (std::size_t o = 0; o < 3; ++o)
          for (std::size_t yy = 0; yy < oh; ++yy)
            for (std::size_t xx = 0; xx < ow; ++xx) {
              const std::size_t j = (o * oh + yy) * ow + xx;
              e.bias[j] = param(*conv, "bias")(o);
              for (std::size_t ch = 0; ch < 2; ++ch)
                for (std::size_t a = 0; a < 3; ++a)
                  for (std::size_t b = 0; b < 3; ++b) {
                    const long iy = static_cast<long>(yy * 2 + a) - 0;
                    const long ix = static_cast<long>(xx * 2 + b) - 1;
                    if (iy < 0 || ix < 0 || iy >= 6 || ix >= 5) continue;
                    e.edges.push_back({(ch * 6 + static_cast<std::size_t>(iy)) * 5 + static_cast<std::size_t>(ix), j,
                                       kernel(o, ch, a, b)});
                  }
            }
        check_rules(*conv, e, x, R);
      } else {
        check_rules(*conv, conv_edges(*conv, 2, 6, 5, 3, 3, cs.stride, pad, oh, ow, cs.bias), x, R);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(max_pooling_sends_relevance_to_the_argmax_only) {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(make_layer({{"type", "max_pool2d"}, {"pool_size", 2}}, {1, 4, 4}));
  net.push_back(make_layer({{"type", "flatten"}}, {1, 2, 2}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 1}, {"use_bias", false}}, {4}));
  param(*net[2], "kernel").fill(1.0f);
  // Window maxima 9 (0,1), 7 (1,2)... one per 2x2 window.
  const float v[16] = {1, 9, 2, 3,   //
                       4, 5, 7, 1,   //
                       8, 2, 0, 6,   //
                       3, 1, 4, 2};
  Tensor x = Tensor::from_shape({1, 1, 4, 4});
  std::copy(v, v + 16, x.data());
  Lrp lrp(stack(net), {1, 4, 4}, make_composite("epsilon", {{"epsilon", 0.0}}));
  LrpResult r = lrp.explain(x);
  // Output 9 + 7 + 8 + 6 = 30; the dense layer gives each pooled value its own value.
  const std::vector<double> want = {0, 9, 0, 0,  //
                                    0, 0, 7, 0,  //
                                    8, 0, 0, 6,  //
                                    0, 0, 0, 0};
  expect_values(r.input_relevance, want, 1e-6);
  BOOST_TEST(r.plan[0].rule == "winner_take_all");
}

namespace {

// conv(relu) -> max_pool -> flatten -> dense(relu) -> dense, biases optional.
std::vector<std::unique_ptr<Layer>> small_cnn(bool bias, unsigned long long seed) {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(make_layer({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"},
                            {"use_bias", bias}}, {1, 8, 8}, seed));
  net.push_back(make_layer({{"type", "max_pool2d"}, {"pool_size", 2}}, {4, 6, 6}));
  net.push_back(make_layer({{"type", "flatten"}}, {4, 3, 3}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 12}, {"use_bias", bias}}, {36}, seed + 1));
  net.push_back(make_layer({{"type", "relu"}}, {12}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 3}, {"use_bias", bias}}, {12}, seed + 2));
  if (bias) {
    param(*net[0], "bias") = random_tensor({4}, seed + 3, -0.2f, 0.2f);
    param(*net[3], "bias") = random_tensor({12}, seed + 4, -0.2f, 0.2f);
    param(*net[5], "bias") = random_tensor({3}, seed + 5, -0.2f, 0.2f);
  }
  return net;
}

}  // namespace

BOOST_AUTO_TEST_CASE(lrp0_equals_gradient_times_input_on_relu_max_pool_networks) {
  auto net = small_cnn(true, 21);
  Tensor x = random_tensor({5, 1, 8, 8}, 22, 0.0f, 1.0f);
  Lrp lrp(stack(net), {1, 8, 8}, make_composite("lrp0"));
  LrpResult r = lrp.explain(x, Target::of_class(1));
  ExplainedNetwork grad_net(stack(net), {1, 8, 8});
  Tensor g = grad_net.target_gradient(x, std::vector<int>(5, 1));
  double scale = 0;
  for (float v : r.input_relevance) scale = std::max(scale, std::fabs(double(v)));
  BOOST_REQUIRE(scale > 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    BOOST_TEST_INFO("pixel " << i);
    BOOST_TEST(std::fabs(r.input_relevance.data()[i] - x.data()[i] * g.data()[i]) <= 1e-5 * scale);
  }
}

BOOST_AUTO_TEST_CASE(relevance_is_conserved_exactly_on_bias_free_relu_networks) {
  auto net = small_cnn(false, 31);
  Tensor x = random_tensor({6, 1, 8, 8}, 32, 0.0f, 1.0f);
  for (const char* composite : {"lrp0", "epsilon-plus"}) {
    Lrp lrp(stack(net), {1, 8, 8}, make_composite(composite, {{"epsilon", 1e-9}}));
    LrpResult r = lrp.explain(x, Target::all());
    BOOST_REQUIRE_EQUAL(r.rows(), 18u);
    for (std::size_t row = 0; row < r.rows(); ++row) {
      BOOST_TEST_INFO(composite << " row " << row << ": input sum " << r.input_sum[row] << ", logit "
                                << r.logit[row]);
      BOOST_TEST(std::fabs(r.input_sum[row] - r.logit[row]) <= 1e-4 * (1.0 + std::fabs(r.logit[row])));
      // Every layer holds the same total.
      for (std::size_t i = 0; i < net.size(); ++i)
        BOOST_TEST(std::fabs(r.layer_sums[row][i] - r.logit[row]) <= 1e-4 * (1.0 + std::fabs(r.logit[row])));
    }
  }
}

BOOST_AUTO_TEST_CASE(target_all_explains_every_class_of_every_sample) {
  auto net = small_cnn(true, 41);
  Tensor x = random_tensor({2, 1, 8, 8}, 42, 0.0f, 1.0f);
  Lrp lrp(stack(net), {1, 8, 8}, make_composite("epsilon-plus"));
  LrpResult all = lrp.explain(x, Target::all());
  BOOST_REQUIRE_EQUAL(all.rows(), 6u);
  for (std::size_t row = 0; row < 6; ++row) {
    LrpResult one = lrp.explain(gather_rows(x, {row / 3}), Target::of_class(static_cast<int>(row % 3)));
    BOOST_TEST(all.sample[row] == row / 3);
    BOOST_TEST(all.target[row] == static_cast<int>(row % 3));
    Tensor a = all.row_relevance(row);
    for (std::size_t i = 0; i < a.size(); ++i)
      BOOST_TEST(std::fabs(a.data()[i] - one.input_relevance.data()[i]) <= 1e-5f * (1 + std::fabs(a.data()[i])));
  }
}

BOOST_AUTO_TEST_CASE(passes_spread_over_two_threads_give_what_one_pass_gives) {
  // 100 rows make several passes: on two compute threads each thread runs its share on
  // its own replica of the network; every row must match the one-row explanation.
  auto net = small_cnn(true, 43);
  Tensor x = random_tensor({100, 1, 8, 8}, 44, 0.0f, 1.0f);
  set_compute_threads(2);
  Lrp lrp(stack(net), {1, 8, 8}, make_composite("epsilon-plus"), LrpOptions().batch(1000));
  LrpResult all = lrp.explain(x, Target::predicted());
  LrpResult again = lrp.explain(x, Target::predicted());
  set_compute_threads(1);
  Lrp single(stack(net), {1, 8, 8}, make_composite("epsilon-plus"), LrpOptions().batch(1));
  BOOST_REQUIRE_EQUAL(all.rows(), 100u);
  BOOST_TEST((all.input_relevance == again.input_relevance));
  for (std::size_t row = 0; row < 100; row += 7) {
    LrpResult one = single.explain(gather_rows(x, {row}), Target::predicted());
    BOOST_TEST(all.target[row] == one.target[0]);
    BOOST_TEST(std::fabs(all.input_sum[row] - one.input_sum[0]) <= 1e-5 * (1 + std::fabs(one.input_sum[0])));
    for (std::size_t i = 0; i < all.layer_sums[row].size(); ++i)
      BOOST_TEST(std::fabs(all.layer_sums[row][i] - one.layer_sums[0][i]) <= 1e-5 * (1 + std::fabs(one.layer_sums[0][i])));
    Tensor a = all.row_relevance(row);
    for (std::size_t i = 0; i < a.size(); ++i)
      BOOST_TEST(std::fabs(a.data()[i] - one.input_relevance.data()[i]) <= 1e-5f * (1 + std::fabs(a.data()[i])));
    BOOST_TEST(all.layer_relevance.at(2).shape(0) == 100u);
  }
}

BOOST_AUTO_TEST_CASE(batch_norm_canonization_leaves_outputs_unchanged) {
  for (bool conv : {false, true}) {
    BOOST_TEST_CONTEXT((conv ? "conv2d" : "dense") << " + batch_normalization") {
      std::vector<std::unique_ptr<Layer>> net;
      Shape in = conv ? Shape{2, 6, 6} : Shape{6};
      if (conv) {
        net.push_back(make_layer({{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"use_bias", false}}, in, 51));
        net.push_back(make_layer({{"type", "batch_normalization"}}, {3, 4, 4}));
        net.push_back(make_layer({{"type", "relu"}}, {3, 4, 4}));
        net.push_back(make_layer({{"type", "flatten"}}, {3, 4, 4}));
        net.push_back(make_layer({{"type", "dense"}, {"units", 4}}, {48}, 52));
      } else {
        net.push_back(make_layer({{"type", "dense"}, {"units", 5}}, in, 51));
        net.push_back(make_layer({{"type", "batch_normalization"}}, {5}));
        net.push_back(make_layer({{"type", "relu"}}, {5}));
        net.push_back(make_layer({{"type", "dense"}, {"units", 4}}, {5}, 52));
      }
      const std::size_t ch = conv ? 3 : 5;
      param(*net[1], "gamma") = random_tensor({ch}, 53, 0.5f, 2.0f);
      param(*net[1], "beta") = random_tensor({ch}, 54, -1.0f, 1.0f);
      param(*net[1], "moving_mean") = random_tensor({ch}, 55, -1.0f, 1.0f);
      param(*net[1], "moving_variance") = random_tensor({ch}, 56, 0.2f, 3.0f);
      Tensor x = random_tensor(batch_shape(4, in), 57);
      Lrp lrp(stack(net), in, make_composite("epsilon"), {}, &layer_registry());
      BOOST_TEST(lrp.plan()[1].rule == "merged_into_previous");
      LrpResult r = lrp.explain(x, Target::of_class(2));
      // The explained logits come from the canonized network; they must equal the
      // original network's.
      ExplainedNetwork original(stack(net), in);
      Tensor logits = original.logits(x);
      for (std::size_t s = 0; s < 4; ++s) {
        BOOST_TEST_INFO("sample " << s);
        BOOST_TEST(std::fabs(r.logit[s] - logits(s, 2)) <= 1e-5f * (1 + std::fabs(logits(s, 2))));
      }
      // The relevance at the BN output equals the one at the merged linear layer's output.
      for (std::size_t i = 0; i < r.layer_relevance[0].size(); ++i)
        BOOST_TEST(r.layer_relevance[0].data()[i] == r.layer_relevance[1].data()[i]);
    }
  }
}

BOOST_AUTO_TEST_CASE(no_nan_when_all_activations_are_zero) {
  auto net = small_cnn(false, 61);
  Tensor x = xt::zeros<float>({2, 1, 8, 8});
  for (const std::string& c : composite_names()) {
    Lrp lrp(stack(net), {1, 8, 8}, make_composite(c));
    LrpResult r = lrp.explain(x, Target::all());
    for (float v : r.input_relevance) BOOST_TEST(std::isfinite(v));
    for (const auto& t : r.layer_relevance)
      for (float v : t) BOOST_TEST(std::isfinite(v));
  }
}

BOOST_AUTO_TEST_CASE(errors_name_the_layer_without_a_rule_and_bad_rule_parameters) {
  auto net = small_cnn(true, 71);
  Composite c = make_composite("epsilon-plus");  // without its conv entry
  c.entries.erase(std::remove_if(c.entries.begin(), c.entries.end(),
                                 [](const CompositeEntry& e) { return e.match.kind == "conv"; }),
                  c.entries.end());
  try {
    Lrp lrp(stack(net), {1, 8, 8}, c);
    BOOST_FAIL("expected an error");
  } catch (const Error& e) {
    const std::string m = e.what();
    BOOST_TEST(m.find("layer 0") != std::string::npos);
    BOOST_TEST(m.find("conv") != std::string::npos);
  }
  BOOST_CHECK_THROW(make_rule(json{{"rule", "alpha_beta"}, {"alpha", 2}, {"beta", 2}}), ConfigError);
  BOOST_CHECK_THROW(make_rule(json("gama")), ConfigError);
  BOOST_CHECK_THROW(make_composite("epsilon-pluss"), ConfigError);
  BOOST_CHECK_THROW(composite_from_json(json{{"dense", "epsilon"}, {"convv", "zplus"}}), ConfigError);
}

BOOST_AUTO_TEST_CASE(user_composites_pick_rules_by_index_name_and_role) {
  auto net = small_cnn(true, 81);
  net[3]->set_name("hidden");
  Composite c = composite_from_json(
      json{{"base", "epsilon-plus"}, {"layers", {{"0", "flat"}, {"hidden", {{"rule", "gamma"}, {"gamma", 0.5}}}}}});
  Lrp lrp(stack(net), {1, 8, 8}, c);
  BOOST_TEST(lrp.plan()[0].rule == "flat");
  BOOST_TEST(lrp.plan()[3].rule == "gamma");
  BOOST_TEST(lrp.plan()[3].rule_parameters["gamma"].get<float>() == 0.5f);
  BOOST_TEST(lrp.plan()[5].rule == "epsilon");
  Lrp box(stack(net), {1, 8, 8}, make_composite("epsilon-gamma-box", {{"low", -1}, {"high", 2}}));
  BOOST_TEST(box.plan()[0].rule == "zbox");
  BOOST_TEST(box.plan()[0].rule_parameters["low"].get<float>() == -1.0f);
}
