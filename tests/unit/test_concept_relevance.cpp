// Concept relevance propagation (lrp.h ConceptCondition, explain/concept_relevance.h):
// conservation (the conditional heatmaps of all concepts of a layer sum to the
// unconditional heatmap) on a CNN under several composites, the mask itself (the
// conditioned layer keeps one concept, the layers above are unchanged), and a network
// with hand-set weights whose concept relevances, flows, top concepts and reference inputs
// are known by hand.
#define BOOST_TEST_MODULE concept_relevance
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "glassbox/error.h"
#include "glassbox/explain/concept_relevance.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/model.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;
namespace fs = std::filesystem;

namespace {

void set_param(Layer& layer, const std::string& name, const std::vector<float>& values) {
  for (auto& p : layer.params())
    if (p.name == name) {
      BOOST_REQUIRE_EQUAL(p.value->size(), values.size());
      std::copy(values.begin(), values.end(), p.value->begin());
      return;
    }
  BOOST_FAIL("no parameter " + name + " in layer " + layer.name());
}

MyDeepLearning small_cnn() {
  MyDeepLearning m(testing::layer_registry(), 5);
  m.add({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}});
  m.add({{"type", "max_pool2d"}, {"pool_size", 2}});
  m.add({{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 2}, {"activation", "relu"}});
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 6}, {"activation", "relu"}});
  m.add({{"type", "dense"}, {"units", 3}});
  m.build({1, 10, 10});
  return m;
}

Tensor random_images(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  Tensor x = Tensor::from_shape({n, 1, 10, 10});
  for (std::size_t i = 0; i < x.size(); ++i) x.data()[i] = u(rng);
  return x;
}

// Largest over rows of |sum_c R(x|c) - R(x)| / |R(x)| (L2 over the input).
double conservation_error(const Tensor& conditional, const Tensor& unconditional, std::size_t concepts) {
  const std::size_t n = unconditional.shape(0), per = unconditional.size() / n;
  double worst = 0;
  for (std::size_t s = 0; s < n; ++s) {
    double diff = 0, norm = 0;
    for (std::size_t k = 0; k < per; ++k) {
      double sum = 0;
      for (std::size_t c = 0; c < concepts; ++c) sum += conditional.data()[(s * concepts + c) * per + k];
      const double u = unconditional.data()[s * per + k];
      diff += (sum - u) * (sum - u);
      norm += u * u;
    }
    BOOST_REQUIRE(norm > 0);
    worst = std::max(worst, std::sqrt(diff / norm));
  }
  return worst;
}

// input (8) -> A: 4 relu units, A_i = x_2i + x_2i+1 -> B: 2 relu units, B0 = A0 + A1,
// B1 = A2 + A3 -> logits: class 0 = B0 + B1, class 1 = 2 B0 - B1. No biases.
MyDeepLearning hand_network() {
  MyDeepLearning m(testing::layer_registry(), 1);
  m.add({{"type", "dense"}, {"units", 4}, {"activation", "relu"}});
  m.add({{"type", "dense"}, {"units", 2}, {"activation", "relu"}});
  m.add({{"type", "dense"}, {"units", 2}});
  m.build({8});
  std::vector<float> a(8 * 4, 0.0f), b(4 * 2, 0.0f);
  for (std::size_t i = 0; i < 4; ++i) a[(2 * i) * 4 + i] = a[(2 * i + 1) * 4 + i] = 1.0f;
  b[0 * 2 + 0] = b[1 * 2 + 0] = 1.0f;
  b[2 * 2 + 1] = b[3 * 2 + 1] = 1.0f;
  set_param(m.layer(0), "kernel", a);
  set_param(m.layer(0), "bias", std::vector<float>(4, 0.0f));
  set_param(m.layer(1), "kernel", b);
  set_param(m.layer(1), "bias", std::vector<float>(2, 0.0f));
  set_param(m.layer(2), "kernel", {1.0f, 2.0f, 1.0f, -1.0f});
  set_param(m.layer(2), "bias", {0.0f, 0.0f});
  return m;
}

// Even i: class 0, x0..x3 = 0.2, x4..x7 = 1 + 0.01 i. Odd i: class 1, the other way round.
// Two more inputs labelled 1 (indices 40, 41) with x4..x7 = 3 and x0..x3 = 0.1: the
// largest A2 of all, but evidence against their label.
LabeledData hand_data() {
  std::vector<float> x;
  std::vector<int> y;
  for (int i = 0; i < 42; ++i) {
    const bool odd_one = i >= 40;
    const int label = odd_one ? 1 : i % 2;
    const float big = odd_one ? 3.0f : 1.0f + 0.01f * static_cast<float>(i), small = odd_one ? 0.1f : 0.2f;
    const bool first_half_big = label == 1 && !odd_one;
    for (int p = 0; p < 8; ++p) x.push_back((p < 4) == first_half_big ? big : small);
    y.push_back(label);
  }
  return LabeledData({8}, std::move(x), std::move(y), {"zero", "one"});
}

}  // namespace

BOOST_AUTO_TEST_CASE(conditional_heatmaps_of_all_concepts_sum_to_the_unconditional_heatmap) {
  MyDeepLearning model = small_cnn();
  const Tensor x = random_images(6, 1);
  const std::vector<int> targets = {0, 1, 2, 0, 1, 2};
  const auto layers = concept_layers(model, {});
  BOOST_REQUIRE_EQUAL(layers.size(), 3u);  // conv2d, conv2d, dense (the logits excluded)
  BOOST_TEST(layers[0].concepts == 4u);
  BOOST_TEST(layers[1].concepts == 3u);
  BOOST_TEST(layers[2].concepts == 6u);
  for (const char* composite : {"epsilon-plus", "epsilon-gamma-box", "epsilon-alpha2-beta1-flat", "lrp0"}) {
    Lrp lrp(model, make_composite(composite));
    const Tensor unconditional = lrp.explain(x, targets).input_relevance;
    for (const auto& l : layers) {
      const LrpResult r = explain_concepts(lrp, x, targets, l);
      BOOST_REQUIRE_EQUAL(r.rows(), x.shape(0) * l.concepts);
      const double e = conservation_error(r.input_relevance, unconditional, l.concepts);
      BOOST_TEST(e < 1e-5, composite << " at " << l.name << ": " << e);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_conditioned_layer_keeps_one_concept_and_the_layers_above_are_unchanged) {
  MyDeepLearning model = small_cnn();
  const Tensor x = random_images(3, 2);
  const std::vector<int> targets = {1, 1, 1};
  Lrp lrp(model, make_composite("epsilon-plus"));
  const LrpResult u = lrp.explain(x, targets);
  ConceptCondition cond;
  cond.layer = 2;  // the second conv: (3, 3, 3)
  cond.keep = {0, 2, -1};
  const LrpResult r = lrp.explain(x, targets, cond);
  const Tensor& rc = r.layer_relevance[2];
  const Tensor& ru = u.layer_relevance[2];
  const std::size_t per = rc.size() / 3, block = per / 3;
  for (std::size_t s = 0; s < 3; ++s)
    for (std::size_t k = 0; k < per; ++k) {
      const bool kept = cond.keep[s] < 0 || k / block == static_cast<std::size_t>(cond.keep[s]);
      BOOST_TEST(rc.data()[s * per + k] == (kept ? ru.data()[s * per + k] : 0.0f));
    }
  for (std::size_t i = 3; i < model.size(); ++i)
    for (std::size_t k = 0; k < r.layer_relevance[i].size(); ++k)
      BOOST_TEST(r.layer_relevance[i].data()[k] == u.layer_relevance[i].data()[k]);
  // keep -1 is the unconditional explanation.
  const std::size_t in = r.input_relevance.size() / 3;
  for (std::size_t k = 0; k < in; ++k)
    BOOST_TEST(r.input_relevance.data()[2 * in + k] == u.input_relevance.data()[2 * in + k],
               boost::test_tools::tolerance(1e-6f));
  cond.keep = {0, 3, 0};
  BOOST_CHECK_EXCEPTION(lrp.explain(x, targets, cond), Error, [](const Error& e) {
    return std::string(e.what()).find("concept 3 of row 1 out of range") != std::string::npos;
  });
  cond.layer = 40;
  BOOST_CHECK_THROW(lrp.explain(x, targets, cond), Error);
}

BOOST_AUTO_TEST_CASE(hand_network_concept_relevances_flows_and_heatmaps_by_hand) {
  MyDeepLearning model = hand_network();
  const LabeledData data = hand_data();
  Lrp lrp(model, make_composite("lrp0"));
  // Conditioned on B1 for class 0 (R_B1 = B1), the input relevance is x on x4..x7, 0 elsewhere;
  // for class 1 (R_B1 = -B1) it is -x there.
  const Tensor x = data.batch({0});
  const auto layers = concept_layers(model, {});
  BOOST_REQUIRE_EQUAL(layers.size(), 2u);
  for (int target : {0, 1}) {
    const LrpResult r = explain_concepts(lrp, x, {target}, layers[1]);
    for (std::size_t p = 0; p < 8; ++p) {
      const float xp = x.data()[p];
      BOOST_TEST(r.input_relevance.data()[0 * 8 + p] == (p < 4 ? (target ? 2.0f : 1.0f) * xp : 0.0f),
                 boost::test_tools::tolerance(1e-5f));
      BOOST_TEST(r.input_relevance.data()[1 * 8 + p] == (p < 4 ? 0.0f : (target ? -1.0f : 1.0f) * xp),
                 boost::test_tools::tolerance(1e-5f));
    }
  }

  ConceptOptions o;
  o.composite = "lrp0";
  o.samples = 100;
  o.top_k = 2;
  o.references = 2;
  o.reference_pool = 0;
  const ConceptStudy st = run_concept_study(model, data, o);
  BOOST_REQUIRE_EQUAL(st.classes.size(), 2u);
  const ClassConceptPath& c0 = st.classes[0];
  BOOST_TEST(c0.count == 20u);  // the even inputs; the two odd ones are misclassified
  // Class 0: R_Ai = A_i. A0 = A1 = 0.4; A2 = A3 = 2 (1 + 0.01 i) over even i < 40: mean 2.38.
  BOOST_TEST(c0.relevance[0][0] == 0.4, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(c0.relevance[0][2] == 2.38, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(c0.relevance[1][1] == 4.76, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(c0.total[0] == 5.56, boost::test_tools::tolerance(1e-5));
  BOOST_TEST((c0.top[0] == std::vector<std::size_t>{2, 3}));
  BOOST_TEST((c0.top[1] == std::vector<std::size_t>{1, 0}));
  // Flow from B_j to A_i: A_i when A_i feeds B_j, else 0; no biases, so it sums to R_Bj.
  BOOST_TEST(c0.flow[0][2][1] == 2.38, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(c0.flow[0][0][0] == 0.4, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(c0.flow[0][2][0] == 0.0);
  BOOST_TEST(c0.flow[0][0][1] == 0.0);
  for (double e : c0.conservation_error) BOOST_TEST(e < 1e-6);
  // Class 1 (odd i < 40): R_B0 = 2 B0, R_B1 = -B1 = -0.8.
  BOOST_TEST(st.classes[1].relevance[1][1] == -0.8, boost::test_tools::tolerance(1e-5));
  // References of A2: by activation the two odd inputs (A2 = 6); by relevance they are the
  // least relevant (explained for their label 1, R_A2 = -6), so the top are the class-0
  // inputs with the largest A2: 38 then 36.
  const ConceptReference& ref = st.references[0][2];
  BOOST_TEST((ref.by_activation == std::vector<std::size_t>{40, 41}));
  BOOST_TEST((ref.by_relevance == std::vector<std::size_t>{38, 36}));
  BOOST_TEST(ref.relevance[0] == 2.0 * 1.38, boost::test_tools::tolerance(1e-5));
  BOOST_TEST(ref.heatmaps.shape(0) == 2u);
  BOOST_TEST(ref.heatmaps.data()[4] == data.batch({38}).data()[4], boost::test_tools::tolerance(1e-5f));
}

BOOST_AUTO_TEST_CASE(the_study_writes_json_arrays_and_drawn_graphs) {
  MyDeepLearning model = hand_network();
  const LabeledData data = hand_data();
  ConceptOptions o = ConceptOptions::from_json({{"composite", "lrp0"}, {"top_k", 2}, {"references", 3}}, "t");
  const ConceptStudy st = run_concept_study(model, data, o);
  const std::string dir = "/tmp/glassbox-concepts-" + std::to_string(::getpid());
  fs::remove_all(dir);
  write_concept_study(st, data, dir);
  std::ifstream in(dir + "/concepts.json");
  const auto j = nlohmann::json::parse(in);
  BOOST_TEST(j["classes"].size() == 2u);
  BOOST_TEST(j["classes"][0]["layers"][1]["top"][0]["concept"] == 1);
  // 2 x 2 top concepts between the two layers.
  BOOST_TEST(j["classes"][0]["edges"].size() == 4u);
  BOOST_TEST(j["references"][0]["concepts"][2]["by_relevance"][0]["sample"] == 38);
  BOOST_TEST(fs::file_size(dir + "/concepts/plots/class_zero.graph.png") > 200u);
  BOOST_TEST(fs::file_size(dir + "/concepts/plots/dense_1.references.png") > 200u);
  BOOST_TEST(fs::exists(dir + "/concepts/arrays/class_one.dense_2.heatmaps.npy"));
  fs::remove_all(dir);
  BOOST_CHECK_THROW(ConceptOptions::from_json({{"topk", 2}}, "t"), ConfigError);
  BOOST_CHECK_THROW(ConceptOptions::from_json({{"composite", "nope"}}, "t"), ConfigError);
}
