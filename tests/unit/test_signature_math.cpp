// Known answers for the pure mathematics of activation signatures: AUROC with ties, FPR at
// 95% TPR, streaming moments against the two-pass formula, Hamming/Jaccard, and the
// Mahalanobis score against its closed form.
#define BOOST_TEST_MODULE signature_math
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "glassbox/explain/bit_pattern.h"
#include "glassbox/explain/mahalanobis.h"
#include "glassbox/explain/novelty_metrics.h"
#include "glassbox/explain/running_moments.h"
#include "glassbox/explain/signature_distances.h"
#include "glassbox/explain/signature_probe.h"

using namespace glassbox::explain;

BOOST_AUTO_TEST_CASE(auroc_counts_ties_as_half_wins) {
  // Pairs (novel, seen): (.9,.5)=1 (.9,.1)=1 (.5,.5)=.5 (.5,.1)=1 twice -> 5 / 6.
  BOOST_TEST(auroc({0.9, 0.5, 0.5}, {0.5, 0.1}) == 5.0 / 6.0, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(auroc({1, 1}, {1, 1, 1}) == 0.5);
  BOOST_TEST(auroc({3, 4}, {1, 2}) == 1.0);
  BOOST_TEST(auroc({1, 2}, {3, 4}) == 0.0);
  BOOST_TEST(std::isnan(auroc({}, {1.0})));
}

BOOST_AUTO_TEST_CASE(auroc_equals_the_slow_pairwise_count) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> u(0, 9);  // small range: many ties
  std::vector<double> a(57), b(43);
  for (auto& v : a) v = u(rng);
  for (auto& v : b) v = u(rng) - 1;
  double wins = 0;
  for (double x : a)
    for (double y : b) wins += x > y ? 1.0 : (x == y ? 0.5 : 0.0);
  BOOST_TEST(auroc(a, b) == wins / (57.0 * 43.0), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(fpr_at_95_tpr_uses_the_seen_quantile) {
  std::vector<double> seen;
  for (int i = 1; i <= 20; ++i) seen.push_back(i);
  // 95% of 20 seen inputs = 19 accepted -> threshold 19; novel 18.5 and 19 pass as seen.
  BOOST_TEST(fpr_at_tpr({18.5, 19, 19.5, 30}, seen) == 0.5);
  BOOST_TEST(fpr_at_tpr({100, 200}, seen) == 0.0);
}

BOOST_AUTO_TEST_CASE(streaming_moments_equal_two_pass_and_merge) {
  std::mt19937 rng(11);
  std::normal_distribution<float> g(0.f, 1.f);
  const std::size_t n = 1001, f = 4;
  std::vector<float> x(n * f);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < f; ++j) x[i * f + j] = 1000.0f * static_cast<float>(j) + (0.5f + j) * g(rng);
  RunningMoments all(f), first(f), second(f);
  for (std::size_t i = 0; i < n; ++i) {
    all.add(&x[i * f]);
    (i < 400 ? first : second).add(&x[i * f]);
  }
  first.merge(second);
  for (std::size_t j = 0; j < f; ++j) {
    double mean = 0;
    for (std::size_t i = 0; i < n; ++i) mean += x[i * f + j];
    mean /= n;
    double ss = 0;
    for (std::size_t i = 0; i < n; ++i) ss += (x[i * f + j] - mean) * (x[i * f + j] - mean);
    BOOST_TEST(all.mean()[j] == mean, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(all.variance()[j] == ss / n, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(all.sample_variance()[j] == ss / (n - 1), boost::test_tools::tolerance(1e-9));
    BOOST_TEST(first.mean()[j] == mean, boost::test_tools::tolerance(1e-9));
    BOOST_TEST(first.variance()[j] == ss / n, boost::test_tools::tolerance(1e-9));
  }
  BOOST_TEST(first.count() == static_cast<std::int64_t>(n));
}

BOOST_AUTO_TEST_CASE(hamming_and_jaccard_by_hand) {
  const float a[] = {1, 0, 2, 0, 3};
  const float b[] = {1, 1, 0, 0, 3};
  auto pa = BitPattern::from_values(a, 5, 0.0f), pb = BitPattern::from_values(b, 5, 0.0f);
  BOOST_TEST(pa.popcount() == 3u);
  BOOST_TEST(hamming_distance(pa, pb) == 2u);
  // |{0,4}| / |{0,1,2,4}| = 2/4.
  BOOST_TEST(jaccard_distance(pa, pb) == 0.5);
  BOOST_TEST(pa.to_hex() == "0x15");
}

BOOST_AUTO_TEST_CASE(min_hamming_is_zero_for_a_stored_pattern_and_m_after_m_flips) {
  // A one-layer signature of 100 neurons with three stored patterns.
  Signatures sig;
  sig.class_names = {"a"};
  LayerSignature l;
  l.features = 100;
  l.moments.assign(1, RunningMoments(100));
  l.fire_counts.assign(1, std::vector<std::int64_t>(100, 0));
  l.patterns.assign(1, PatternCounts(16));
  l.covariance = SharedCovariance(100, 1, 256);
  std::mt19937 rng(5);
  std::vector<BitPattern> stored;
  for (int s = 0; s < 3; ++s) {
    std::vector<float> v(100);
    for (auto& x : v) x = static_cast<float>(rng() % 2);
    l.moments[0].add(v.data());
    l.covariance.add(v.data(), 0);
    stored.push_back(BitPattern::from_values(v.data(), 100, 0.0f));
    l.patterns[0].add(stored.back());
  }
  sig.layers.push_back(std::move(l));
  SignatureScorer scorer(sig);
  for (const auto& p : stored) BOOST_TEST(scorer.min_hamming(0, p) == 0.0);
  // Flipping m bits of a stored pattern puts it m away from it; the other stored
  // patterns are ~50 bits away, so the minimum is m.
  for (std::size_t m : {1u, 2u, 5u, 9u}) {
    BitPattern q = stored[1];
    for (std::size_t j = 0; j < m; ++j) q.flip(10 * j + 3);
    BOOST_TEST(hamming_distance(q, stored[1]) == m);
    BOOST_TEST(scorer.min_hamming(0, q) == static_cast<double>(m));
  }
}

BOOST_AUTO_TEST_CASE(pattern_counts_stay_within_capacity) {
  PatternCounts counts(2);
  const float v0[] = {0, 0}, v1[] = {1, 0}, v2[] = {0, 1};
  for (int r = 0; r < 3; ++r) counts.add(BitPattern::from_values(v0, 2, 0.f));
  counts.add(BitPattern::from_values(v1, 2, 0.f));
  counts.add(BitPattern::from_values(v2, 2, 0.f));  // a third distinct pattern: overflow
  BOOST_TEST(counts.distinct() == 2u);
  BOOST_TEST(counts.total() == 5);
  BOOST_TEST(counts.overflow() == 1);
  BOOST_TEST(counts.most_common(1)[0].second == 3);
}

namespace {

// Closed form for 2x2: (x - m)^T S^-1 (x - m) with S^-1 = [[d, -b], [-b, a]] / (ad - b^2).
double mahalanobis2x2(double x0, double x1, double m0, double m1, double a, double b, double d) {
  const double u = x0 - m0, v = x1 - m1;
  return (d * u * u - 2 * b * u * v + a * v * v) / (a * d - b * b);
}

}  // namespace

BOOST_AUTO_TEST_CASE(mahalanobis_matches_closed_form_on_gaussians) {
  // Two classes sharing Sigma = [[2, 0.8], [0.8, 1]], means (0, 0) and (3, 0).
  const double a = 2.0, b = 0.8, d = 1.0;
  const double l00 = std::sqrt(a), l10 = b / l00, l11 = std::sqrt(d - l10 * l10);
  std::mt19937 rng(7);
  std::normal_distribution<double> g(0.0, 1.0);
  SharedCovariance cov(2, 2);
  for (int i = 0; i < 40000; ++i) {
    const int c = i % 2;
    const double z0 = g(rng), z1 = g(rng);
    const float x[2] = {static_cast<float>(3.0 * c + l00 * z0), static_cast<float>(l10 * z0 + l11 * z1)};
    cov.add(x, c);
  }
  const auto s = cov.covariance();
  BOOST_TEST(s[0] == a, boost::test_tools::tolerance(0.03));
  BOOST_TEST(s[1] == b, boost::test_tools::tolerance(0.05));
  BOOST_TEST(s[3] == d, boost::test_tools::tolerance(0.03));
  BOOST_TEST(s[1] == s[2]);
  const auto m0 = cov.class_mean(0), m1 = cov.class_mean(1);
  BOOST_TEST(m1[0] == 3.0, boost::test_tools::tolerance(0.02));

  // Without shrinkage: exactly the closed form with the estimated covariance and means.
  MahalanobisScorer exact({m0, m1}, s, true, 0.0, 0.0);
  const float x[2] = {1.0f, 1.0f};
  const double e0 = mahalanobis2x2(1, 1, m0[0], m0[1], s[0], s[1], s[3]);
  const double e1 = mahalanobis2x2(1, 1, m1[0], m1[1], s[0], s[1], s[3]);
  BOOST_TEST(exact.distance2(x, 0) == e0, boost::test_tools::tolerance(1e-6));
  BOOST_TEST(exact.distance2(x, 1) == e1, boost::test_tools::tolerance(1e-6));
  std::size_t nearest = 9;
  BOOST_TEST(exact.score(x, &nearest) == std::min(e0, e1), boost::test_tools::tolerance(1e-6));
  BOOST_TEST(nearest == (e0 < e1 ? 0u : 1u));
  // And close to the population value with the true parameters: (1,1) from (0,0).
  BOOST_TEST(exact.distance2(x, 0) == mahalanobis2x2(1, 1, 0, 0, a, b, d), boost::test_tools::tolerance(0.03));

  // With shrinkage 0.2: Sigma_reg = 0.8 Sigma + 0.2 * tr(Sigma)/2 * I (+ a 1e-12 ridge).
  MahalanobisScorer shrunk({m0, m1}, s, true, 0.2, 0.0);
  const double t = 0.2 * (s[0] + s[3]) / 2;
  BOOST_TEST(shrunk.distance2(x, 0) ==
                 mahalanobis2x2(1, 1, m0[0], m0[1], 0.8 * s[0] + t, 0.8 * s[1], 0.8 * s[3] + t),
             boost::test_tools::tolerance(1e-6));

  // Diagonal mode: sum of squared standardized differences.
  SharedCovariance diag(2, 2, 1);
  BOOST_TEST(!diag.full());
  MahalanobisScorer dscore({m0, m1}, {s[0], s[3]}, false, 0.0, 0.0);
  const double expect = (1 - m0[0]) * (1 - m0[0]) / s[0] + (1 - m0[1]) * (1 - m0[1]) / s[3];
  BOOST_TEST(dscore.distance2(x, 0) == expect, boost::test_tools::tolerance(1e-6));
}

// Sharded signatures (signature_merge.cpp) rest on these: an accumulator sent as its state
// and merged gives what one accumulator fed every sample gives.
BOOST_AUTO_TEST_CASE(shared_covariance_merged_from_two_halves_equals_one_pass) {
  std::mt19937 rng(11);
  std::normal_distribution<float> g(2.0f, 1.5f);
  for (std::size_t max_full : {std::size_t{256}, std::size_t{1}}) {  // full and diagonal
    SharedCovariance all(3, 2, max_full), a(3, 2, max_full), b(3, 2, max_full);
    for (int i = 0; i < 40; ++i) {
      const float x[3] = {g(rng), g(rng) * 0.5f, g(rng) + 3.0f};
      all.add(x, i % 2);
      (i < 17 ? a : b).add(x, i % 2);
    }
    SharedCovariance merged = SharedCovariance::from_state(a.state());
    merged.merge(SharedCovariance::from_state(b.state()));
    BOOST_TEST(merged.count() == 40);
    BOOST_TEST(merged.class_count(1) == 20);
    const auto want = all.covariance(), got = merged.covariance();
    BOOST_TEST_REQUIRE(want.size() == got.size());
    for (std::size_t i = 0; i < want.size(); ++i) BOOST_TEST(got[i] == want[i], boost::test_tools::tolerance(1e-9));
    for (int c = 0; c < 2; ++c)
      for (std::size_t j = 0; j < 3; ++j)
        BOOST_TEST(merged.class_mean(c)[j] == all.class_mean(c)[j], boost::test_tools::tolerance(1e-9));
  }
}

BOOST_AUTO_TEST_CASE(moments_and_patterns_survive_their_state_and_merge_like_counting) {
  RunningMoments m(2);
  const float x1[2] = {1, 2}, x2[2] = {3, 6};
  m.add(x1);
  m.add(x2);
  const RunningMoments back = RunningMoments::from_state(m.state());
  BOOST_TEST(back.count() == 2);
  BOOST_TEST(back.mean()[1] == 4.0);
  BOOST_TEST(back.m2()[1] == 8.0);  // (2-4)^2 + (6-4)^2
  // Capacity 2: a counter keeps the first two distinct patterns; a third overflows.
  BitPattern p(70), q(70), r(70);
  p.set(1);
  q.set(65);
  r.set(3);
  PatternCounts a(2), b(2);
  a.add(p);
  a.add(p);
  b.add(q);
  b.add(p);
  b.add(r);  // b holds q and p: r overflows there
  PatternCounts merged = PatternCounts::from_state(a.state());
  merged.merge(PatternCounts::from_state(b.state()));
  BOOST_TEST(merged.total() == 5);
  BOOST_TEST(merged.counts().at(p) == 3);
  BOOST_TEST(merged.counts().at(q) == 1);
  BOOST_TEST(merged.overflow() == 1);  // b's overflow carries over
  BOOST_TEST(merged.distinct() == 2u);
}
