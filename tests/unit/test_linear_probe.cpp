// Linear probes (explain/linear_probe.h): the scoring by hand, a linearly separable set
// learned perfectly, an independent Newton solver on a noisy set, and on the real MNIST
// 1s and 3s an independent logistic regression (scikit-learn) on the same split.
#define BOOST_TEST_MODULE linear_probe
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>

#include <boost/test/unit_test.hpp>

#include "data_required.h"
#include "datasets_fixture.h"
#include "glassbox/experiment_data.h"
#include "glassbox/explain/linear_probe.h"
#include "glassbox/npy.h"

using namespace glassbox;
using namespace glassbox::explain;

namespace {

struct Set {
  std::vector<float> x;
  std::vector<int> y;
  std::size_t d = 0;
  std::size_t size() const { return y.size(); }
};

// n points per class in d dimensions: class c's mean is `spread` on axis c, noise N(0, sd).
Set gaussian_classes(std::size_t k, std::size_t d, std::size_t n, double spread, double sd, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> noise(0.0, sd);
  Set s;
  s.d = d;
  for (std::size_t i = 0; i < n * k; ++i) {
    const auto c = static_cast<int>(i % k);
    for (std::size_t j = 0; j < d; ++j)
      s.x.push_back(static_cast<float>((j == static_cast<std::size_t>(c) ? spread : 0.0) + noise(rng)));
    s.y.push_back(c);
  }
  return s;
}

LinearProbe train(const Set& s, std::size_t k, const LinearProbeOptions& o) {
  LinearProbe p(s.d, k, o);
  p.add_statistics(s.x.data(), s.size());
  p.finish_statistics();
  std::mt19937 rng(7);
  std::vector<std::size_t> order(s.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::vector<float> bx;
  std::vector<int> by;
  for (std::size_t e = 0; e < o.epochs; ++e) {
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t b = 0; b < order.size(); b += o.batch_size) {
      bx.clear();
      by.clear();
      for (std::size_t i = b; i < std::min(order.size(), b + o.batch_size); ++i) {
        bx.insert(bx.end(), s.x.begin() + order[i] * s.d, s.x.begin() + (order[i] + 1) * s.d);
        by.push_back(s.y[order[i]]);
      }
      p.train_step(bx.data(), by.data(), by.size());
    }
  }
  return p;
}

double accuracy(const LinearProbe& p, const Set& s) {
  std::vector<float> z(s.size() * p.classes());
  p.logits(s.x.data(), s.size(), z.data());
  ProbeScore score(p.classes());
  score.add(z.data(), s.y.data(), s.size());
  return score.accuracy();
}

}  // namespace

BOOST_AUTO_TEST_CASE(scores_count_ties_half_and_restrict_pairs_to_their_two_logits) {
  ProbeScore s(3);
  // Input 0 (class 0): logits 3, 1, 5 -> wrong overall (2 wins); vs 1 right, vs 2 wrong.
  // Input 1 (class 1): logits 2, 2, 0 -> tie of two overall (credit 1/2); vs 0 half, vs 2 right.
  // Input 2 (class 2): logits 0, 1, 4 -> right overall; right vs 0 and vs 1.
  const float z[] = {3, 1, 5, 2, 2, 0, 0, 1, 4};
  const int y[] = {0, 1, 2};
  s.add(z, y, 3);
  BOOST_TEST(s.accuracy() == 1.5 / 3.0, boost::test_tools::tolerance(1e-12));
  const auto pa = s.pair_accuracy();
  BOOST_TEST(pa[0][1] == (1.0 + 0.5) / 2.0, boost::test_tools::tolerance(1e-12));  // inputs 0 and 1
  BOOST_TEST(pa[1][0] == pa[0][1], boost::test_tools::tolerance(1e-12));
  BOOST_TEST(pa[0][2] == (0.0 + 1.0) / 2.0, boost::test_tools::tolerance(1e-12));  // inputs 0 and 2
  BOOST_TEST(pa[1][2] == (1.0 + 1.0) / 2.0, boost::test_tools::tolerance(1e-12));  // inputs 1 and 2
  BOOST_TEST(pa[2][2] == 1.0);
}

BOOST_AUTO_TEST_CASE(a_linearly_separable_set_is_learned_perfectly) {
  // 4 classes, 30 dimensions, means 6 sd apart on their own axis: a margin on every
  // pairwise hyperplane, so a logistic regression separates train and test completely.
  const Set train_set = gaussian_classes(4, 30, 200, 6.0, 1.0, 1);
  const Set test_set = gaussian_classes(4, 30, 100, 6.0, 1.0, 2);
  LinearProbeOptions o;
  o.epochs = 5;
  o.batch_size = 32;
  const LinearProbe p = train(train_set, 4, o);
  BOOST_TEST(accuracy(p, train_set) == 1.0);
  BOOST_TEST(accuracy(p, test_set) == 1.0);
}

BOOST_AUTO_TEST_CASE(a_noisy_set_matches_an_independent_newton_solver) {
  // Two overlapping classes in 5 dimensions (Bayes accuracy about 84%): the probe's test
  // accuracy equals that of the exact maximum-likelihood fit (Newton's method in double
  // on the raw features) within one point, and they agree on almost every input.
  const Set tr = gaussian_classes(2, 5, 1500, 2.0, 1.0, 3);
  const Set te = gaussian_classes(2, 5, 1500, 2.0, 1.0, 4);
  const std::size_t d = 5, D = d + 1;
  std::vector<double> w(D, 0.0);
  for (int it = 0; it < 25; ++it) {
    std::vector<double> g(D, 0.0), H(D * D, 0.0);
    for (std::size_t i = 0; i < tr.size(); ++i) {
      std::vector<double> xi(D, 1.0);
      for (std::size_t j = 0; j < d; ++j) xi[j] = tr.x[i * d + j];
      double t = 0;
      for (std::size_t j = 0; j < D; ++j) t += w[j] * xi[j];
      const double p = 1.0 / (1.0 + std::exp(-t));
      for (std::size_t a = 0; a < D; ++a) {
        g[a] += (p - tr.y[i]) * xi[a];
        for (std::size_t b = 0; b < D; ++b) H[a * D + b] += p * (1 - p) * xi[a] * xi[b];
      }
    }
    // Solve H dw = g by Gauss-Jordan elimination (H is positive definite).
    for (std::size_t c = 0; c < D; ++c) {
      for (std::size_t r = 0; r < D; ++r) {
        if (r == c) continue;
        const double f = H[r * D + c] / H[c * D + c];
        for (std::size_t k = 0; k < D; ++k) H[r * D + k] -= f * H[c * D + k];
        g[r] -= f * g[c];
      }
    }
    for (std::size_t c = 0; c < D; ++c) w[c] -= g[c] / H[c * D + c];
  }
  LinearProbeOptions o;
  o.epochs = 6;
  o.batch_size = 64;
  const LinearProbe probe = train(tr, 2, o);
  std::vector<float> z(te.size() * 2);
  probe.logits(te.x.data(), te.size(), z.data());
  std::size_t newton_right = 0, probe_right = 0, agree = 0;
  for (std::size_t i = 0; i < te.size(); ++i) {
    double t = w[d];
    for (std::size_t j = 0; j < d; ++j) t += w[j] * te.x[i * d + j];
    const int newton = t > 0 ? 1 : 0;
    const int pr = z[2 * i + 1] > z[2 * i] ? 1 : 0;
    newton_right += newton == te.y[i];
    probe_right += pr == te.y[i];
    agree += newton == pr;
  }
  const double n = static_cast<double>(te.size());
  BOOST_TEST(newton_right / n > 0.80);  // the set is as hard as intended
  BOOST_TEST(std::abs(probe_right / n - newton_right / n) <= 0.01);
  BOOST_TEST(agree / n >= 0.98);
}

BOOST_AUTO_TEST_CASE(bad_labels_and_shapes_are_errors) {
  BOOST_CHECK_THROW(LinearProbe(0, 2), Error);
  BOOST_CHECK_THROW(LinearProbe(3, 1), Error);
  LinearProbe p(2, 2);
  const float x[] = {1, 2};
  const int y[] = {2};
  BOOST_CHECK_THROW(p.train_step(x, y, 1), Error);
}

// The acceptance check of the pixel-level probe: MNIST 1s vs 3s, the standard split,
// against scikit-learn's LogisticRegression (lbfgs, standardized pixels) on the same files.
// Debian's python3-sklearn installs for the system Python, hence /usr/bin/python3.
BOOST_AUTO_TEST_CASE(mnist_1_vs_3_pixel_probe_is_within_a_point_of_scikit_learn,
                     *gbtest::needs_dataset("mnist-digits") *
                         gbtest::needs_tool("python3-sklearn", "/usr/bin/python3 -c 'import sklearn'",
                                            "apt-get install python3-sklearn (scripts/setup.sh)")) {
  ExperimentData e = load_experiment_data({{"dataset", "mnist-digits"}, {"classes", {1, 3}}},
                                          gbtest::dataset_registry(), "t");
  auto as_set = [](const LabeledData& d) {
    Set s;
    s.d = d.sample_size();
    const Tensor t = d.batch_range(0, d.size());
    s.x.assign(t.data(), t.data() + t.size());
    s.y = d.labels();
    return s;
  };
  const Set tr = as_set(e.train), te = as_set(e.test);
  BOOST_TEST_REQUIRE(tr.size() == 12873u);
  BOOST_TEST_REQUIRE(te.size() == 2145u);
  const LinearProbe probe = train(tr, 2, LinearProbeOptions{});
  const double ours = accuracy(probe, te);

  const std::string dir = gbtest::scratch("probe-sklearn");
  std::system(("mkdir -p " + dir).c_str());
  write_npy(dir + "/xtr.npy", tr.x.data(), Shape{tr.size(), tr.d});
  write_npy(dir + "/xte.npy", te.x.data(), Shape{te.size(), te.d});
  std::vector<std::int32_t> ytr(tr.y.begin(), tr.y.end()), yte(te.y.begin(), te.y.end());
  write_npy(dir + "/ytr.npy", ytr.data(), Shape{ytr.size()});
  write_npy(dir + "/yte.npy", yte.data(), Shape{yte.size()});
  const std::string script = std::string(GLASSBOX_SOURCE_DIR) + "/tests/unit/sklearn_logistic.py";
  const std::string out = dir + "/accuracy.txt";
  BOOST_TEST_REQUIRE(std::system(("/usr/bin/python3 " + script + " " + dir + " > " + out).c_str()) == 0);
  double theirs = -1;
  std::ifstream(out) >> theirs;
  BOOST_TEST_MESSAGE("pixel probe 1 vs 3: glassbox " << ours << ", scikit-learn " << theirs);
  BOOST_TEST(theirs > 0.98);
  BOOST_TEST(std::abs(ours - theirs) <= 0.01);
}
