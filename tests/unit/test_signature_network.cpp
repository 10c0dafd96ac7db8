// Known answers for signatures built on real models from the layers plugin with
// hand-set weights: a neuron that fires iff a planted patch is present, a network whose
// only class-dependent unit sits at layer k, and streaming statistics against two-pass
// statistics of the same activations.
#define BOOST_TEST_MODULE signature_network
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "glassbox/explain/neuron_selectivity.h"
#include "glassbox/explain/separability.h"
#include "glassbox/explain/signature_builder.h"
#include "glassbox/explain/signature_probe.h"
#include "glassbox/explain/signature_study.h"
#include "glassbox/error.h"
#include "glassbox/experiment_schema.h"
#include "glassbox/model.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;

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

// 4x4 images; class 1 has the top-left 2x2 patch at 1, everything else is noise in [0, 0.4).
LabeledData patch_data(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(0.0f, 0.4f);
  std::vector<float> px(n * 16);
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<int>(i % 2);
    for (std::size_t j = 0; j < 16; ++j) px[i * 16 + j] = noise(rng);
    if (labels[i] == 1)
      for (std::size_t j : {0, 1, 4, 5}) px[i * 16 + j] = 1.0f;
  }
  return LabeledData({1, 4, 4}, std::move(px), std::move(labels), {"plain", "patch"});
}

// XOR-like classes in 2-D: "same" = (1,1) or (-1,-1), "opposite" = (1,-1) or (-1,1), plus
// small noise. Class means coincide at the origin, so no copy of the input separates them.
LabeledData xor_data(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
  std::vector<float> px(n * 2);
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) {
    labels[i] = static_cast<int>(i % 2);
    const float s = (i / 2) % 2 ? 1.0f : -1.0f;
    px[2 * i] = s + noise(rng);
    px[2 * i + 1] = (labels[i] == 0 ? s : -s) + noise(rng);
  }
  return LabeledData({2}, std::move(px), std::move(labels), {"same", "opposite"});
}

}  // namespace

BOOST_AUTO_TEST_CASE(patch_neuron_ranks_first_for_its_class_with_rate_one_and_zero_elsewhere) {
  MyDeepLearning model(testing::layer_registry());
  model.add({{"type", "flatten"}});
  model.add({{"type", "dense"}, {"units", 3}, {"activation", "relu"}});
  model.build({1, 4, 4});
  // kernel (16, 3): neurons 0 and 1 weakly sum every pixel; neuron 2 sums the patch pixels
  // with bias -3.5, so it fires iff all four are near 1 (noise alone gives at most 1.6).
  std::vector<float> kernel(16 * 3, 0.01f), bias = {0.0f, 0.0f, -3.5f};
  for (std::size_t j = 0; j < 16; ++j) kernel[j * 3 + 2] = 0.0f;
  for (std::size_t j : {0, 1, 4, 5}) kernel[j * 3 + 2] = 1.0f;
  set_param(model.layer(1), "kernel", kernel);
  set_param(model.layer(1), "bias", bias);

  SignatureOptions opt;
  opt.batch_size = 16;
  const Signatures sig = build_signatures(model, patch_data(200, 1), opt);
  // Recorded: the input and the dense layer (flatten repeats its input and is skipped).
  BOOST_REQUIRE_EQUAL(sig.layers.size(), 2u);
  const auto& dense = sig.layers[sig.position_of(1)];
  BOOST_TEST(dense.features == 3u);
  BOOST_TEST(dense.firing_rate(1)[2] == 1.0);
  BOOST_TEST(dense.firing_rate(0)[2] == 0.0);
  const auto sel = neuron_selectivity(dense, 3);
  BOOST_TEST(sel.strongest[1][0].neuron == 2u);
  BOOST_TEST(sel.strongest[1][0].firing_rate == 1.0);
  BOOST_TEST(sel.characteristic[1][0].neuron == 2u);
  BOOST_TEST(sel.preferred_class[2] == 1);
  BOOST_TEST(sel.selectivity_index[2] == 1.0);  // silent on the other class
  BOOST_TEST(sel.dead.empty());
  BOOST_TEST(sel.coverage == 1.0);
  // The weak neurons fire on every input: always on.
  BOOST_TEST(sel.always_on.size() == 2u);
  BOOST_TEST(sig.class_counts[0] == 100);
}

BOOST_AUTO_TEST_CASE(only_class_dependent_unit_at_layer_k_gives_divergence_layer_k) {
  // Layers 1..k-1 copy the input (identity dense, linear); layer k = 3 computes
  // relu(x0 + x1) and relu(-x0 - x1): |x0 + x1| = 2 for "same", ~0 for "opposite".
  const std::size_t k = 3;
  MyDeepLearning model(testing::layer_registry());
  for (std::size_t i = 1; i < k; ++i) model.add({{"type", "dense"}, {"units", 2}, {"activation", "linear"}});
  model.add({{"type", "dense"}, {"units", 2}, {"activation", "relu"}});
  model.add({{"type", "dense"}, {"units", 2}, {"activation", "linear"}});  // a copy after layer k
  model.build({2});
  for (std::size_t i = 0; i < model.size(); ++i) {
    set_param(model.layer(i), "kernel", i == k - 1 ? std::vector<float>{1, -1, 1, -1} : std::vector<float>{1, 0, 0, 1});
    set_param(model.layer(i), "bias", {0, 0});
  }
  const Signatures sig = build_signatures(model, xor_data(400, 3));
  const SignatureScorer scorer(sig);
  const Probe heldout = scorer.probe(model, xor_data(200, 4));
  const Separability sep = analyze_separability(sig, heldout, 0.95);
  BOOST_REQUIRE_EQUAL(sep.pairs.size(), 1u);
  const auto& d = sep.pairs[0];
  BOOST_REQUIRE(d.position >= 0);
  // Layer k is model layer index k - 1 (the input is recorded as index -1).
  BOOST_TEST(sig.layers[static_cast<std::size_t>(d.position)].index == static_cast<int>(k - 1));
  BOOST_TEST(d.accuracy == 1.0);
  BOOST_TEST(d.stays_separable);
  for (std::size_t p = 0; p < static_cast<std::size_t>(d.position); ++p)
    BOOST_TEST(sep.layers[p].pair_accuracy[0][1] < 0.75);
}

BOOST_AUTO_TEST_CASE(streaming_statistics_equal_two_pass_statistics_of_the_same_activations) {
  MyDeepLearning model(testing::layer_registry());
  model.add({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"activation", "relu"}});
  model.add({{"type", "flatten"}});
  model.add({{"type", "dense"}, {"units", 3}, {"activation", "tanh"}});
  model.build({1, 4, 4});
  const LabeledData data = patch_data(61, 9);
  SignatureOptions opt;
  opt.batch_size = 7;  // batches that do not divide the data
  opt.conv_firing = "threshold";  // a channel fires when its peak is > 0 (threshold 0)
  const Signatures sig = build_signatures(model, data, opt);
  // Two passes over all activations kept in memory.
  std::vector<std::vector<float>> conv_out, dense_out;
  model.forward(data.batch_range(0, data.size()), [&](std::size_t i, const Layer&, const Tensor&, const Tensor& out) {
    if (i == 0) conv_out.emplace_back(out.begin(), out.end());
    if (i == 2) dense_out.emplace_back(out.begin(), out.end());
  });
  const auto& conv = sig.layers[sig.position_of(0)];
  const auto& dense = sig.layers[sig.position_of(2)];
  BOOST_TEST(to_string(conv.feature_kind) == "channel");
  BOOST_TEST(conv.features == 2u);
  for (int c = 0; c < 2; ++c)
    for (std::size_t ch = 0; ch < 2; ++ch) {
      // Channel feature = spatial mean over the 2x2 output; peak = spatial max.
      double sum = 0, sum_peak = 0, fires = 0;
      std::vector<double> values;
      for (std::size_t i = 0; i < data.size(); ++i) {
        if (data.label(i) != c) continue;
        const float* p = &conv_out[0][i * 8 + ch * 4];
        const double m = (p[0] + p[1] + p[2] + p[3]) / 4.0;
        const double pk = std::max(std::max(p[0], p[1]), std::max(p[2], p[3]));
        values.push_back(m);
        sum += m;
        sum_peak += pk;
        fires += pk > 0 ? 1 : 0;
      }
      const double mean = sum / values.size();
      double ss = 0;
      for (double v : values) ss += (v - mean) * (v - mean);
      BOOST_TEST(conv.moments[c].mean()[ch] == mean, boost::test_tools::tolerance(1e-5));
      BOOST_TEST(conv.moments[c].variance()[ch] == ss / values.size(), boost::test_tools::tolerance(1e-4));
      BOOST_TEST(conv.peak_moments[c].mean()[ch] == sum_peak / values.size(), boost::test_tools::tolerance(1e-5));
      BOOST_TEST(conv.firing_rate(c)[ch] == fires / values.size(), boost::test_tools::tolerance(1e-12));
    }
  for (int c = 0; c < 2; ++c)
    for (std::size_t u = 0; u < 3; ++u) {
      std::vector<double> values;
      for (std::size_t i = 0; i < data.size(); ++i)
        if (data.label(i) == c) values.push_back(dense_out[0][i * 3 + u]);
      double mean = 0;
      for (double v : values) mean += v;
      mean /= values.size();
      double ss = 0;
      for (double v : values) ss += (v - mean) * (v - mean);
      BOOST_TEST(dense.moments[c].mean()[u] == mean, boost::test_tools::tolerance(1e-5));
      BOOST_TEST(dense.moments[c].variance()[u] == ss / values.size(), boost::test_tools::tolerance(1e-4));
    }
}

BOOST_AUTO_TEST_CASE(study_json_reports_the_divergence_layer_and_options_are_checked) {
  // The XOR network of the divergence test, through the whole study and its JSON.
  MyDeepLearning model(testing::layer_registry());
  model.add({{"type", "dense"}, {"units", 2}, {"activation", "linear"}});
  model.add({{"type", "dense"}, {"units", 2}, {"activation", "relu"}});
  model.build({2});
  set_param(model.layer(0), "kernel", {1, 0, 0, 1});
  set_param(model.layer(0), "bias", {0, 0});
  set_param(model.layer(1), "kernel", {1, -1, 1, -1});
  set_param(model.layer(1), "bias", {0, 0});
  SignatureStudyOptions options = SignatureStudyOptions::from_json({{"relevance", false}, {"plots", false}}, "test");
  const auto study = run_signature_study(model, xor_data(400, 3), xor_data(200, 4), nullptr, {}, options);
  const auto j = signature_study_json(study);
  BOOST_TEST(j["format"] == "glassbox-signatures/1");
  BOOST_TEST(j["layers"].size() == 3u);  // input, dense_1, dense_2
  const auto& pair = j["divergence"]["pairs"][0];
  BOOST_TEST(pair["index"] == 1);        // the relu layer, model index 1
  BOOST_TEST(pair["accuracy"].get<double>() == 1.0);
  BOOST_TEST(j["layers"][2]["separability"]["nearest_centroid_accuracy"].get<double>() == 1.0);
  // The linear probes decide: XOR is not linearly separable in the input or its copy, and
  // is after the relu layer.
  BOOST_TEST(j["divergence"]["criterion"] == "pairwise linear probe accuracy on held-out inputs");
  BOOST_TEST(j["layers"][0]["separability"]["probe_accuracy"].get<double>() < 0.75);
  BOOST_TEST(j["layers"][2]["separability"]["probe_accuracy"].get<double>() == 1.0);
  BOOST_TEST(j["linear_probes"]["accuracy_per_layer"].size() == 3u);
  BOOST_CHECK_THROW(SignatureStudyOptions::from_json({{"probe_epochs", 0}}, "s"), ConfigError);
  BOOST_CHECK_THROW(SignatureStudyOptions::from_json({{"conv_firing", "median"}}, "s"), ConfigError);
  BOOST_CHECK_THROW(SignatureStudyOptions::from_json({{"conv_quantile", 1.5}}, "s"), ConfigError);
  try {
    SignatureStudyOptions::from_json({{"conv_quantile", -0.1}}, "exp.json: signatures");
    BOOST_FAIL("no error");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()).find("exp.json: signatures.conv_quantile") != std::string::npos, e.what());
  }
  // Unknown keys and out-of-range values are configuration errors naming the key.
  BOOST_CHECK_THROW(SignatureStudyOptions::from_json({{"top-k", 3}}, "exp.json: signatures"), ConfigError);
  BOOST_CHECK_THROW(SignatureStudyOptions::from_json({{"shrinkage", 1.5}}, "s"), ConfigError);
  BOOST_CHECK_THROW(SignatureStudyOptions::from_json({{"top_k", "ten"}}, "s"), ConfigError);
  try {
    SignatureStudyOptions::from_json({{"top-k", 3}}, "exp.json: signatures");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()).find("exp.json: signatures.top-k") != std::string::npos);
  }
}

// Per-channel quantile thresholds and grid patterns against a two-pass computation over the
// same activations: a 4x4 input, conv 3x3 -> 2x2 maps, so with grid 2 every cell is one
// position.
BOOST_AUTO_TEST_CASE(channel_thresholds_are_training_quantiles_and_grid_bits_say_where) {
  MyDeepLearning model(testing::layer_registry());
  model.add({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}, {"activation", "relu"}});
  model.build({1, 4, 4});
  const LabeledData data = patch_data(80, 5);
  SignatureOptions opt;
  opt.batch_size = 9;
  opt.conv_quantile = 0.75;
  opt.pattern_grid = 2;
  opt.calibration_samples = 0;  // all inputs
  opt.include_input = false;
  const Signatures sig = build_signatures(model, data, opt);
  std::vector<float> out;
  model.forward(data.batch_range(0, data.size()), [&](std::size_t, const Layer&, const Tensor&, const Tensor& o) {
    out.assign(o.begin(), o.end());
  });
  const auto& conv = sig.layers[0];
  BOOST_TEST(conv.grid == 2u);
  BOOST_TEST(conv.pattern_bits == 8u);
  auto nearest_rank = [](std::vector<float> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(std::floor(q * (v.size() - 1) + 0.5))];
  };
  for (std::size_t ch = 0; ch < 2; ++ch) {
    std::vector<float> peaks, cells;
    for (std::size_t i = 0; i < data.size(); ++i) {
      const float* p = &out[i * 8 + ch * 4];
      peaks.push_back(*std::max_element(p, p + 4));
      cells.insert(cells.end(), p, p + 4);
    }
    const float t = nearest_rank(peaks, 0.75), tc = nearest_rank(cells, 0.75);
    BOOST_TEST(conv.thresholds[ch] == t);
    BOOST_TEST(conv.cell_thresholds[ch] == tc);
    for (int c = 0; c < 2; ++c) {
      double fires = 0, n = 0;
      for (std::size_t i = 0; i < data.size(); ++i)
        if (data.label(i) == c) {
          fires += peaks[i] > t;
          ++n;
        }
      BOOST_TEST(conv.firing_rate(c)[ch] == fires / n, boost::test_tools::tolerance(1e-12));
    }
  }
  // The pattern of input 0: bit (ch * 2 + gy) * 2 + gx for each position above the
  // channel's cell threshold.
  BitPattern expected(8);
  for (std::size_t ch = 0; ch < 2; ++ch)
    for (std::size_t q = 0; q < 4; ++q)
      if (out[ch * 4 + q] > conv.cell_thresholds[ch]) expected.set(ch * 4 + q);
  FeatureExtractor ex(FeatureKind::channel, {2, 2, 2}, 2);
  ex.reduce(out.data(), 1);
  BOOST_TEST(conv.binarize(ex.peaks_of(0), ex.cells_of(0)).to_hex() == expected.to_hex());
}

BOOST_AUTO_TEST_CASE(grid_cells_pool_the_map_by_maximum) {
  // One channel, a 4x5 map with value 10*row + col: grid 2 has rows {0,1}, {2,3} and
  // columns {0,1,2}, {3,4} (cell of column x = x * 2 / 5), so the cell maxima are the
  // values at (1,2), (1,4), (3,2), (3,4).
  std::vector<float> map(20);
  for (std::size_t y = 0; y < 4; ++y)
    for (std::size_t x = 0; x < 5; ++x) map[y * 5 + x] = static_cast<float>(10 * y + x);
  FeatureExtractor ex(FeatureKind::channel, {1, 4, 5}, 2);
  ex.reduce(map.data(), 1);
  const float* c = ex.cells_of(0);
  BOOST_TEST(c[0] == 12.0f);
  BOOST_TEST(c[1] == 14.0f);
  BOOST_TEST(c[2] == 32.0f);
  BOOST_TEST(c[3] == 34.0f);
  BOOST_TEST(ex.peaks_of(0)[0] == 34.0f);
  // A grid finer than the map is capped at the map's size.
  FeatureExtractor fine(FeatureKind::channel, {1, 4, 5}, 9);
  BOOST_TEST(fine.grid() == 4u);
}

// The study's options are checked by the experiment file's schema, whoever reads them (a
// file's section, the CLI's --set): every bounded number of the schema's signatures keys,
// given just outside its range, is refused naming the key and the range.
BOOST_AUTO_TEST_CASE(the_study_options_are_checked_by_the_experiment_schema) {
  std::size_t refused = 0;
  for (const auto& rule : glassbox::schema::rules()) {
    const std::string path = rule.path;
    if (path.rfind("signatures.", 0) != 0 || !std::isfinite(rule.lo)) continue;
    const std::string key = path.substr(std::string("signatures.").size());
    const double below = rule.lo - 1;
    try {
      SignatureStudyOptions::from_json({{key, below}}, "exp.json: signatures");
      BOOST_ERROR(key << " = " << below << " was accepted");
    } catch (const ConfigError& e) {
      ++refused;
      BOOST_TEST(std::string(e.what()).find("exp.json: " + path + ": expected " + rule.expected) == 0, e.what());
    }
  }
  BOOST_TEST(refused >= 15u);  // threshold has no bound; the counts, sizes and fractions do
}
