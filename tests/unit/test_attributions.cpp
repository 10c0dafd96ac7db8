// Baseline attributions, region perturbation and heatmaps: integrated-gradients
// completeness, gradients against finite differences, occlusion and perturbation curves on
// a linear model whose answers are known by hand, the diverging colormap and the PNG
// round trip; every method (LRP and the baselines, and one registered from outside) behind
// the one AttributionMethod interface.
#define BOOST_TEST_MODULE attributions
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "glassbox/explain/attributions.h"
#include "glassbox/explain/explanation_report.h"
#include "glassbox/explain/heatmap.h"
#include "glassbox/explain/perturbation.h"
#include "glassbox/parallel.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

std::vector<std::unique_ptr<Layer>> small_cnn(unsigned long long seed) {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(make_layer({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}}, {1, 8, 8}, seed));
  net.push_back(make_layer({{"type", "max_pool2d"}, {"pool_size", 2}}, {4, 6, 6}));
  net.push_back(make_layer({{"type", "flatten"}}, {4, 3, 3}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 12}, {"activation", "relu"}}, {36}, seed + 1));
  net.push_back(make_layer({{"type", "dense"}, {"units", 3}}, {12}, seed + 2));
  net.push_back(make_layer({{"type", "softmax"}}, {3}));
  param(*net[0], "bias") = random_tensor({4}, seed + 3, -0.2f, 0.2f);
  param(*net[3], "bias") = random_tensor({12}, seed + 4, -0.2f, 0.2f);
  return net;
}

// f(x) = sum_i w_i x_i + 0.5 on 1x4x4 images: flatten + dense(1). Occlusion with value 0
// and a 1x1 patch gives exactly w_i x_i; so does gradient x input.
std::vector<std::unique_ptr<Layer>> linear_model() {
  std::vector<std::unique_ptr<Layer>> net;
  net.push_back(make_layer({{"type", "flatten"}}, {1, 4, 4}));
  net.push_back(make_layer({{"type", "dense"}, {"units", 1}}, {16}));
  Tensor& w = param(*net[1], "kernel");
  for (std::size_t i = 0; i < 16; ++i) w(i, 0) = static_cast<float>(i % 5) - 1.0f;  // -1, 0, 1, 2, 3, -1, ...
  param(*net[1], "bias").fill(0.5f);
  return net;
}

}  // namespace

BOOST_AUTO_TEST_CASE(integrated_gradients_is_complete_within_its_discretization_error) {
  auto net = small_cnn(11);
  ExplainedNetwork n(stack(net), {1, 8, 8});
  BOOST_TEST(n.skipped_final_softmax());
  Tensor x = random_tensor({4, 1, 8, 8}, 12, 0.0f, 1.0f);
  Tensor zero = xt::zeros<float>({4, 1, 8, 8});
  Tensor fx = n.logits(x), f0 = n.logits(zero);
  double coarse_error = 0, fine_error = 0;
  for (int steps : {4, 256}) {
    AttributionOptions o;
    o.steps = steps;
    Attribution a = attribute(n, "integrated_gradients", x, Target::of_class(2), o);
    for (std::size_t r = 0; r < 4; ++r) {
      double sum = 0;
      for (std::size_t k = 0; k < 64; ++k) sum += a.relevance.data()[r * 64 + k];
      const double want = fx(r, 2) - f0(r, 2);
      const double err = std::fabs(sum - want) / (1e-3 + std::fabs(want));
      (steps == 4 ? coarse_error : fine_error) += err / 4;
    }
  }
  // The path crosses ReLU kinks: the trapezoid rule is exact between kinks, so the error
  // shrinks with the step count; at 256 steps it is under 1% of the logit difference.
  BOOST_TEST_MESSAGE("IG completeness error: 4 steps " << coarse_error << ", 256 steps " << fine_error);
  BOOST_TEST(fine_error < 1e-2);
  BOOST_TEST(fine_error <= coarse_error);
}

BOOST_AUTO_TEST_CASE(gradient_matches_central_finite_differences_of_the_logit) {
  auto net = small_cnn(21);
  ExplainedNetwork n(stack(net), {1, 8, 8});
  Tensor x = random_tensor({1, 1, 8, 8}, 22, 0.0f, 1.0f);
  Attribution g = attribute(n, "gradient", x, Target::of_class(0));
  for (std::size_t k : {0u, 9u, 27u, 35u, 50u, 63u}) {
    const float h = 1e-2f;
    Tensor xp = x, xm = x;
    xp.data()[k] += h;
    xm.data()[k] -= h;
    const double fd = (n.logits(xp)(0, 0) - n.logits(xm)(0, 0)) / (2 * h);
    BOOST_TEST_INFO("pixel " << k << ": gradient " << g.relevance.data()[k] << ", finite difference " << fd);
    BOOST_TEST(std::fabs(g.relevance.data()[k] - fd) <= 2e-2 * (1 + std::fabs(fd)));
  }
  AttributionOptions quiet;
  quiet.noise = 0.0f;
  quiet.samples = 3;
  Attribution sg = attribute(n, "smoothgrad", x, Target::of_class(0), quiet);
  for (std::size_t k = 0; k < 64; ++k) BOOST_TEST(std::fabs(sg.relevance.data()[k] - g.relevance.data()[k]) < 1e-5);
}

BOOST_AUTO_TEST_CASE(every_method_gives_the_same_on_one_and_two_threads) {
  // 50 rows make several passes; on two threads they run on two copies of the network.
  // SmoothGrad draws each pass's noise from its own seed, so it does not depend on the split.
  auto net = small_cnn(31);
  ExplainedNetwork n(stack(net), {1, 8, 8});
  Tensor x = random_tensor({50, 1, 8, 8}, 32, 0.0f, 1.0f);
  AttributionOptions o;
  o.steps = 8;
  o.samples = 3;
  o.patch = 4;
  o.stride = 4;
  for (const char* method : {"gradient", "gradient_x_input", "integrated_gradients", "smoothgrad", "occlusion"}) {
    set_compute_threads(1);
    Attribution one = attribute(n, method, x, Target::predicted(), o);
    set_compute_threads(2);
    Attribution two = attribute(n, method, x, Target::predicted(), o);
    set_compute_threads(1);
    BOOST_TEST_INFO(method);
    BOOST_TEST((one.target == two.target));
    BOOST_TEST((one.predicted == two.predicted));
    double worst = 0;
    for (std::size_t k = 0; k < one.relevance.size(); ++k)
      worst = std::max(worst, std::fabs(static_cast<double>(one.relevance.data()[k]) - two.relevance.data()[k]) /
                                  (1.0 + std::fabs(one.relevance.data()[k])));
    BOOST_TEST(worst < 1e-5);
    BOOST_TEST(xt::sum(xt::abs(one.relevance))() > 0.0f);
  }
}

BOOST_AUTO_TEST_CASE(occlusion_and_gradient_x_input_give_w_times_x_on_a_linear_model) {
  auto net = linear_model();
  ExplainedNetwork n(stack(net), {1, 4, 4});
  Tensor x = random_tensor({2, 1, 4, 4}, 31, 0.0f, 1.0f);
  AttributionOptions o;
  o.patch = 1;
  o.stride = 1;
  Attribution occ = attribute(n, "occlusion", x, Target::predicted(), o);
  Attribution gxi = attribute(n, "gradient_x_input", x, Target::predicted());
  for (std::size_t k = 0; k < x.size(); ++k) {
    const float want = (static_cast<float>((k % 16) % 5) - 1.0f) * x.data()[k];
    BOOST_TEST(std::fabs(occ.relevance.data()[k] - want) < 1e-5);
    BOOST_TEST(std::fabs(gxi.relevance.data()[k] - want) < 1e-6);
  }
  // A 2x2 patch with stride 2 removes four pixels at once; every pixel is covered once,
  // so it gets its patch's total drop.
  o.patch = 2;
  o.stride = 2;
  Attribution occ2 = attribute(n, "occlusion", x, Target::predicted(), o);
  const float patch_sum = gxi.relevance(0, 0, 0, 0) + gxi.relevance(0, 0, 0, 1) + gxi.relevance(0, 0, 1, 0) +
                          gxi.relevance(0, 0, 1, 1);
  BOOST_TEST(std::fabs(occ2.relevance(0, 0, 1, 1) - patch_sum) < 1e-5);
}

BOOST_AUTO_TEST_CASE(perturbation_curves_follow_the_hand_sorted_contributions) {
  auto net = linear_model();
  ExplainedNetwork n(stack(net), {1, 4, 4});
  Tensor x = random_tensor({1, 1, 4, 4}, 41, 0.1f, 1.0f);
  Attribution a = attribute(n, "gradient_x_input", x, Target::predicted());
  PerturbationOptions o;
  o.region = 1;
  o.steps = 16;
  o.fill = "value";
  o.value = 0.0f;
  PerturbationResult p = evaluate_perturbation(n, x, a, o);
  // Removing pixel i lowers f by exactly its contribution c_i = w_i x_i: MoRF removes them
  // in descending order, LeRF in ascending order.
  std::vector<double> c(16);
  for (std::size_t i = 0; i < 16; ++i) c[i] = a.relevance.data()[i];
  std::vector<double> desc = c;
  std::sort(desc.begin(), desc.end(), std::greater<double>());
  const double f0 = n.logits(x)(0, 0);
  double f = f0, aopc = 0;
  const auto& morf = p.curve("morf");
  BOOST_REQUIRE_EQUAL(morf.mean_logit.size(), 17u);
  for (std::size_t k = 0; k <= 16; ++k) {
    if (k > 0) f -= desc[k - 1];
    BOOST_TEST(std::fabs(morf.mean_logit[k] - f) < 1e-4);
    aopc += (f0 - f) / 17;
  }
  BOOST_TEST(std::fabs(morf.aopc - aopc) < 1e-4);
  BOOST_TEST(p.curve("morf").aopc > p.curve("random").aopc);
  BOOST_TEST(p.curve("random").aopc > p.curve("lerf").aopc);
  BOOST_TEST(std::fabs(p.curve("lerf").mean_logit.back() - p.curve("morf").mean_logit.back()) < 1e-4);
}

BOOST_AUTO_TEST_CASE(diverging_colormap_is_white_at_zero_red_for_positive_blue_for_negative) {
  std::uint8_t c[3];
  diverging_color(0.0f, "bwr", c);
  BOOST_TEST((c[0] == 255 && c[1] == 255 && c[2] == 255));
  diverging_color(1.0f, "bwr", c);
  BOOST_TEST((c[0] == 255 && c[1] == 0 && c[2] == 0));
  diverging_color(-1.0f, "bwr", c);
  BOOST_TEST((c[0] == 0 && c[1] == 0 && c[2] == 255));
  diverging_color(0.5f, "bwr", c);
  BOOST_TEST((c[0] == 255 && c[1] == 128 && c[2] == 128));
  diverging_color(0.0f, "seismic", c);
  BOOST_TEST((c[0] == 255 && c[1] == 255 && c[2] == 255));

  // 28x28 relevance -> 224x224 image (factor 8); the strongest pixel saturates.
  Tensor r = xt::zeros<float>({1, 28, 28});
  r(0, 3, 4) = 2.0f;
  r(0, 10, 10) = -1.0f;
  RgbImage img = render_heatmap(r);
  BOOST_TEST(img.width == 224u);
  BOOST_TEST(img.height == 224u);
  const std::uint8_t* red = &img.rgb[((3 * 8 + 5) * 224 + 4 * 8 + 2) * 3];
  BOOST_TEST((red[0] == 255 && red[1] == 0 && red[2] == 0));
  const std::uint8_t* blue = &img.rgb[((10 * 8) * 224 + 10 * 8) * 3];
  BOOST_TEST((blue[0] == 128 && blue[1] == 128 && blue[2] == 255));
}

BOOST_AUTO_TEST_CASE(png_files_round_trip_through_libpng) {
  const std::string path = (std::filesystem::temp_directory_path() / "glassbox_test_heatmap.png").string();
  RgbImage img;
  img.width = 3;
  img.height = 2;
  img.rgb = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 255, 255, 255, 0, 0, 0};
  write_png(path, img);
  Tensor rgb = read_png(path, 3);
  BOOST_REQUIRE(rgb.shape() == (std::vector<std::size_t>{3, 2, 3}));
  BOOST_TEST(rgb(0, 0, 0) == 1.0f);
  BOOST_TEST(rgb(1, 0, 1) == 1.0f);
  BOOST_TEST(std::fabs(rgb(2, 1, 0) - 30.0f / 255) < 1e-6);
  Tensor grey = read_png(path, 1);
  BOOST_TEST(std::fabs(grey(0, 1, 1) - 1.0f) < 1e-6);  // white
  BOOST_TEST(std::fabs(grey(0, 0, 0) - 0.299f) < 1e-3);  // pure red -> its luma weight
  std::filesystem::remove(path);
  BOOST_CHECK_THROW(read_png(path, 1), DataError);
}

namespace {

// A method registered from outside the library (as a plugin would): the input itself.
class InputMethod final : public AttributionMethod {
 public:
  std::string name() const override { return "test_input"; }
  json request_fields() const override { return {{"parameters", json::object()}}; }
  Explanation attribute(ExplainedNetwork& net, const Tensor& x, const Target& target, bool) const override {
    const Tensor logits = net.logits(x);
    const ExplanationRows rows = explanation_rows(logits, target);
    const std::vector<int> predicted = ExplainedNetwork::argmax_rows(logits);
    Explanation e;
    Attribution& a = e.attribution;
    a.method = name();
    a.sample = rows.sample;
    a.target = rows.target;
    for (std::size_t r = 0; r < rows.sample.size(); ++r) {
      a.predicted.push_back(predicted[rows.sample[r]]);
      a.logit.push_back(logits(rows.sample[r], static_cast<std::size_t>(rows.target[r])));
    }
    a.relevance = gather_rows(x, rows.sample);
    return e;
  }
};

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_registered_method_runs_behind_one_interface) {
  auto net = small_cnn(91);
  ExplainedNetwork n(stack(net), {1, 8, 8});
  Tensor x = random_tensor({2, 1, 8, 8}, 92, 0.0f, 1.0f);
  BOOST_TEST(attribution_method_names() == std::vector<std::string>({"lrp", "gradient", "gradient_x_input",
                                                                     "integrated_gradients", "smoothgrad", "occlusion"}),
             boost::test_tools::per_element());
  for (const std::string& name : attribution_method_names()) {
    BOOST_TEST_CONTEXT(name) {
      ExplainRequest r;
      r.method = name;
      r.attribution.steps = 4;
      r.attribution.samples = 2;
      const Explanation e = explain_batch(n, r, x, true);
      BOOST_TEST(e.attribution.method == name);
      BOOST_TEST((e.attribution.relevance.shape() == x.shape()));
      const json s = row_summary(e, 1);
      BOOST_TEST(s["method"] == name);
      BOOST_TEST(s["parameters"] == e.attribution.parameters);
      BOOST_TEST(s.contains("conservation_error") == (e.layerwise != nullptr));
      BOOST_TEST(s.contains("note") == (name == "integrated_gradients"));
      // Behind the interface, each method computes what it computes on its own.
      if (e.layerwise) {
        Lrp lrp(stack(net), {1, 8, 8}, make_composite("epsilon-plus"));
        BOOST_TEST(same_bits(e.attribution.relevance, lrp.explain(x).input_relevance));
        BOOST_TEST(r.to_json() == json({{"method", "lrp"}, {"target", "predicted"}, {"composite", "epsilon-plus"}}));
      } else {
        BOOST_TEST(same_bits(e.attribution.relevance, attribute(n, name, x, Target::predicted(), r.attribution).relevance));
        BOOST_TEST(r.to_json()["parameters"] == r.attribution.to_json(name));
      }
    }
  }
  attribution_method_registry().add(FactoryInfo{"test_input", "the input", json::object(), "test"},
                                    [](const ExplainRequest&, const std::string&) -> MethodPtr {
                                      return std::make_shared<InputMethod>();
                                    });
  ExplainRequest r;
  r.method = "test_input";
  r.target = Target::all();
  const Explanation e = explain_batch(n, r, x);
  BOOST_TEST(e.attribution.rows() == 6u);
  BOOST_TEST(same_bits(e.attribution.relevance, gather_rows(x, {0, 0, 0, 1, 1, 1})));
  BOOST_TEST(row_summary(e, 4)["explained_class"] == 1);
  attribution_method_registry().remove_origin("test");
  r.method = "nope";
  try {
    (void)make_method(r, "explain");
    BOOST_FAIL("expected an error");
  } catch (const ConfigError& err) {
    BOOST_TEST(std::string(err.what()).rfind("explain.method: unknown attribution method 'nope' (known: lrp, gradient,", 0) == 0,
               err.what());
  }
}
