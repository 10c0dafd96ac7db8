// Sharded analyses without MPI (docs/mpi.md): shard_of's contiguous shards, the gather in
// rank order, each image's perturbation seed, and the sharded linear probes, explanations
// and region perturbation on an in-process group of threads (thread_replicas.h) against
// one process on the whole set, to the tolerances docs/mpi.md states.
#define BOOST_TEST_MODULE sharding
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "glassbox/explain/layer_probes.h"
#include "glassbox/explain/perturbation.h"
#include "glassbox/explain/sharded_explanation.h"
#include "glassbox/explain/signature_builder.h"
#include "model_fixture.h"
#include "thread_replicas.h"

using namespace glassbox;
using namespace glassbox::explain;
using glassbox::testing::run_replicas;
using nlohmann::json;

namespace {

// An untrained seeded CNN on 1x8x8 images: every replica builds the same one.
MyDeepLearning small_cnn() {
  MyDeepLearning m(glassbox::testing::model_registry(), 17);
  m.add({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}});
  m.add({{"type", "max_pool2d"}, {"pool_size", 2}});
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 4}});
  m.build({1, 8, 8});
  return m;
}

// max |a - b| / max |a| (0 for two empty lists).
double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  BOOST_TEST_REQUIRE(a.size() == b.size());
  double diff = 0, scale = 1e-30;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::fabs(a[i] - b[i])));
    scale = std::max(scale, static_cast<double>(std::fabs(a[i])));
  }
  return diff / scale;
}

// The largest difference of two JSON documents' numbers, relative for magnitudes above 1
// and absolute below (an LRP layer's absorbed relevance is a difference of two sums, near
// zero); anything else equal (-1 when not).
double json_difference(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>(), y = b.get<double>();
    return x == y ? 0.0 : std::fabs(x - y) / std::max(std::fabs(x), 1.0);
  }
  if (a.type() != b.type() || a.size() != b.size()) return -1;
  if (!a.is_structured()) return a == b ? 0 : -1;
  double worst = 0;
  for (auto it = a.begin(); it != a.end(); ++it) {
    const json& other = a.is_object() ? (b.contains(it.key()) ? b[it.key()] : json()) : b[std::distance(a.begin(), it)];
    const double d = json_difference(*it, other);
    if (d < 0) return -1;
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace

BOOST_AUTO_TEST_CASE(shards_are_contiguous_in_rank_order_and_differ_by_at_most_one) {
  for (std::size_t n = 0; n <= 23; ++n)
    for (int size = 1; size <= 5; ++size) {
      std::size_t next = 0;
      for (int r = 0; r < size; ++r) {
        const Shard s = shard_of(n, r, size);
        BOOST_TEST(s.begin == next);
        BOOST_TEST((s.size() == n / size || s.size() == n / size + 1));
        BOOST_TEST(s.size() <= shard_of(n, 0, size).size());
        next = s.end;
      }
      BOOST_TEST(next == n);
    }
  BOOST_TEST(shard_for(9, nullptr).begin == 0u);
  BOOST_TEST(shard_for(9, nullptr).end == 9u);
}

BOOST_AUTO_TEST_CASE(gather_in_order_joins_the_replicas_rows_on_replica_0_only) {
  // Replica r sends r + 1 values ... except replica 1, which has none.
  std::vector<std::vector<float>> got(3);
  run_replicas(3, [&](ReplicaGroup& g) {
    std::vector<float> mine;
    if (g.rank() != 1)
      for (int i = 0; i <= g.rank(); ++i) mine.push_back(10.0f * g.rank() + i);
    got[static_cast<std::size_t>(g.rank())] = gather_in_order(&g, mine);
  });
  BOOST_TEST(got[0] == (std::vector<float>{0, 20, 21, 22}), boost::test_tools::per_element());
  BOOST_TEST(got[1].empty());
  BOOST_TEST(got[2].empty());
  BOOST_TEST(gather_in_order(nullptr, {1, 2}) == (std::vector<float>{1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_images_perturbation_seed_is_splitmix64_of_the_seed_and_its_index) {
  // SplitMix64 from state 0 (Steele et al.'s reference): its first outputs are image 0's
  // and image 1's seeds under seed 0; the third value by an independent Python evaluation.
  BOOST_TEST(perturbation_seed(0, 0) == 0xE220A8397B1DCDAFULL);
  BOOST_TEST(perturbation_seed(0, 1) == 0x6E789E6AA1B965F4ULL);
  BOOST_TEST(perturbation_seed(7, 3) == 0x953AEB70673E29CBULL);
  std::set<std::uint64_t> seen;
  for (std::uint64_t seed = 0; seed < 4; ++seed)
    for (std::size_t image = 0; image < 1000; ++image) seen.insert(perturbation_seed(seed, image));
  BOOST_TEST(seen.size() == 4000u);
}

BOOST_AUTO_TEST_CASE(split_gradients_summed_give_the_whole_batchs_step) {
  // A batch of 10 rows as parts of 4 and 6 rows (the penalty in one), summed, then the
  // same Adam step: the same losses, and 25 steps later logits within 1e-5 of train_step's.
  const std::size_t d = 6, k = 3, n = 10;
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(n * d);
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    y[i] = static_cast<int>(i % k);
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = noise(rng) + (j == i % k ? 2.0f : 0.0f);
  }
  LinearProbeOptions o;
  o.l2 = 0.01;
  LinearProbe whole(d, k, o), split(d, k, o);
  for (auto* p : {&whole, &split}) {
    p->add_statistics(x.data(), n);
    p->finish_statistics();
  }
  std::vector<float> g(split.gradient_size()), h(split.gradient_size());
  for (int step = 0; step < 25; ++step) {
    const double loss = whole.train_step(x.data(), y.data(), n);
    const double l1 = split.gradient(x.data(), y.data(), 4, n, true, g.data());
    const double l2 = split.gradient(x.data() + 4 * d, y.data() + 4, 6, n, false, h.data());
    for (std::size_t i = 0; i < g.size(); ++i) g[i] += h[i];
    split.apply_gradient(g.data());
    // The same loss up to the rounding in which the two runs' weights drift apart.
    BOOST_TEST((l1 + l2) / n == loss, boost::test_tools::tolerance(1e-6));
  }
  std::vector<float> za(n * k), zb(n * k);
  whole.logits(x.data(), n, za.data());
  split.logits(x.data(), n, zb.data());
  BOOST_TEST(relative_difference(za, zb) < 1e-5);
  BOOST_TEST(std::fabs(za[0]) > 0.1f);  // the probe moved off zero
}

BOOST_AUTO_TEST_CASE(probes_sharded_over_three_replicas_equal_one_process) {
  // 194 inputs in batches of 16: the last batch of 2 leaves replica 2 without rows.
  const LabeledData fit = glassbox::testing::corner_images(194, 5), heldout = glassbox::testing::corner_images(61, 6);
  LinearProbeOptions o;
  o.epochs = 3;
  o.batch_size = 16;
  MyDeepLearning model = small_cnn();
  const Signatures sig = build_signatures(model, fit);
  const LayerProbes one = fit_layer_probes(model, sig, fit, heldout, o);
  std::vector<LayerProbes> got(3);
  run_replicas(3, [&](ReplicaGroup& g) {
    MyDeepLearning m = small_cnn();
    got[static_cast<std::size_t>(g.rank())] = fit_layer_probes(m, sig, fit, heldout, o, &g);
  });
  BOOST_TEST_REQUIRE(one.layers.size() >= 3u);
  for (const LayerProbes& lp : got) {
    BOOST_TEST_REQUIRE(lp.layers.size() == one.layers.size());
    for (std::size_t p = 0; p < one.layers.size(); ++p) {
      const auto &a = one.layers[p], &b = lp.layers[p];
      BOOST_TEST_MESSAGE("layer " << p << ": loss " << a.train_loss << " / " << b.train_loss << ", accuracy "
                                  << a.accuracy << " / " << b.accuracy);
      BOOST_TEST(b.train_loss == a.train_loss, boost::test_tools::tolerance(1e-4));
      BOOST_TEST(std::fabs(b.train_accuracy - a.train_accuracy) <= 1.0 / 194 + 1e-12);
      BOOST_TEST(std::fabs(b.accuracy - a.accuracy) <= 1.0 / 61 + 1e-12);
      for (std::size_t i = 0; i < a.pair_accuracy.size(); ++i)
        for (std::size_t j = 0; j < a.pair_accuracy.size(); ++j)
          BOOST_TEST(std::fabs(b.pair_accuracy[i][j] - a.pair_accuracy[i][j]) <= 2.0 / 30);
    }
    BOOST_TEST(lp.layers.back().train_loss == got[0].layers.back().train_loss);  // every replica alike
  }
  BOOST_TEST(one.layers.back().train_accuracy > 0.5);  // the probes learned something
}

BOOST_AUTO_TEST_CASE(explanations_sharded_over_three_replicas_join_to_the_whole_batch) {
  const LabeledData data = glassbox::testing::corner_images(7, 8);
  const Tensor x = data.batch_range(0, 7);
  for (const std::string target : {"predicted", "all"})
    for (const std::string method : {"lrp", "gradient_x_input"}) {
      ExplainRequest req;
      req.method = method;
      req.target = Target::parse(target);
      const MyDeepLearning model = small_cnn();
      const ReportRows one = report_rows(explain_batch(model, req, x), data.class_names());
      std::vector<ReportRows> got(3);
      run_replicas(3, [&](ReplicaGroup& g) {
        const MyDeepLearning m = small_cnn();
        got[static_cast<std::size_t>(g.rank())] = explain_sharded(m, req, x, data.class_names(), &g);
      });
      BOOST_TEST_CONTEXT(method << ", target " << target) {
        BOOST_TEST(got[1].rows() == 0u);
        BOOST_TEST(got[2].rows() == 0u);
        const ReportRows& two = got[0];
        BOOST_TEST(two.method == method);
        BOOST_TEST(two.rows() == (target == "all" ? 28u : 7u));
        BOOST_TEST(two.sample == one.sample, boost::test_tools::per_element());
        BOOST_TEST(two.target == one.target, boost::test_tools::per_element());
        BOOST_TEST(relative_difference(one.relevance, two.relevance) < 1e-5);
        const double d = json_difference(one.summaries, two.summaries);
        BOOST_TEST(d >= 0);
        BOOST_TEST(d < 1e-5);
      }
    }
}

BOOST_AUTO_TEST_CASE(a_part_of_the_images_gets_the_curves_the_whole_set_gives_it) {
  const LabeledData data = glassbox::testing::corner_images(11, 9);
  const Tensor x = data.batch_range(0, 11);
  const MyDeepLearning model = small_cnn();
  ExplainedNetwork net(model);
  ExplainRequest req;
  req.method = "gradient_x_input";
  const Attribution a = explain_batch(model, req, x).attribution;
  PerturbationOptions o;
  o.batch_size = 4;  // batches of 4, so the parts' batches are not the whole set's
  o.seed = 3;
  const PerturbationLogits whole = perturbation_logits(net, x, a, o, 0);
  BOOST_TEST_REQUIRE(whole.images == 11u);
  BOOST_TEST_REQUIRE(whole.steps == 16u);  // 16 regions of 2x2
  std::vector<float> joined;
  for (const auto& [b, e] : std::vector<std::pair<std::size_t, std::size_t>>{{0, 5}, {5, 11}}) {
    std::vector<std::size_t> idx(e - b);
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = b + i;
    const Tensor part = gather_rows(x, idx);
    const Attribution pa = explain_batch(model, req, part).attribution;
    const PerturbationLogits f = perturbation_logits(net, part, pa, o, b);
    joined.insert(joined.end(), f.values.begin(), f.values.end());
  }
  BOOST_TEST(relative_difference(whole.values, joined) < 1e-5);
  // Another seed draws other noise and another random order.
  PerturbationOptions other = o;
  other.seed = 4;
  BOOST_TEST(relative_difference(whole.values, perturbation_logits(net, x, a, other, 0).values) > 1e-3);

  const PerturbationResult one = evaluate_perturbation(net, x, a, o);
  std::vector<PerturbationResult> got(2);
  run_replicas(2, [&](ReplicaGroup& g) {
    const MyDeepLearning m = small_cnn();
    ExplainedNetwork n(m);
    const Shard s = shard_of(11, g.rank(), 2);
    std::vector<std::size_t> idx(s.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = s.begin + i;
    const Tensor part = gather_rows(x, idx);
    const Attribution pa = explain_batch(m, req, part).attribution;
    got[static_cast<std::size_t>(g.rank())] = evaluate_perturbation(n, part, pa, o, &g, s.begin);
  });
  BOOST_TEST(got[1].images == 0u);
  BOOST_TEST(got[0].images == 11u);
  const double d = json_difference(one.to_json(), got[0].to_json());
  BOOST_TEST(d >= 0);
  BOOST_TEST(d < 1e-5);
}
