// Linear CKA (explain/layer_similarity.h): a value by hand, the invariances of the paper
// (orthogonal transforms, isotropic scaling, identical inputs, translation), an
// independent slow implementation in the feature form (no BLAS, no Gram matrix), and the
// layer matrices of a real model against CKA of its activations taken by hand.
#define BOOST_TEST_MODULE layer_similarity
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "glassbox/error.h"
#include "glassbox/explain/layer_similarity.h"
#include "glassbox/model.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::explain;

namespace {

using Matrix = std::vector<float>;  // row-major n x p

Matrix random_matrix(std::size_t n, std::size_t p, unsigned seed, double offset = 0.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  Matrix m(n * p);
  for (auto& v : m) v = static_cast<float>(offset + g(rng));
  return m;
}

// Y = X A for A (p x q), in double, rounded to float at the end.
Matrix times(const Matrix& x, std::size_t n, std::size_t p, const std::vector<double>& a, std::size_t q) {
  Matrix y(n * q);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < q; ++k) {
      double s = 0;
      for (std::size_t j = 0; j < p; ++j) s += static_cast<double>(x[i * p + j]) * a[j * q + k];
      y[i * q + k] = static_cast<float>(s);
    }
  return y;
}

// A random orthogonal p x p matrix: Gram-Schmidt on Gaussian columns.
std::vector<double> random_orthogonal(std::size_t p, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<double> q(p * p);
  for (std::size_t c = 0; c < p; ++c) {
    std::vector<double> v(p);
    for (auto& x : v) x = g(rng);
    for (std::size_t prev = 0; prev < c; ++prev) {
      double d = 0;
      for (std::size_t r = 0; r < p; ++r) d += v[r] * q[r * p + prev];
      for (std::size_t r = 0; r < p; ++r) v[r] -= d * q[r * p + prev];
    }
    double norm = 0;
    for (double x : v) norm += x * x;
    norm = std::sqrt(norm);
    for (std::size_t r = 0; r < p; ++r) q[r * p + c] = v[r] / norm;
  }
  return q;
}

// The feature form, |Xc^T Yc|_F^2 / (|Xc^T Xc|_F |Yc^T Yc|_F), with plain loops in double.
double slow_cka(const Matrix& x, std::size_t p, const Matrix& y, std::size_t q, std::size_t n) {
  auto centred = [n](const Matrix& m, std::size_t d) {
    std::vector<double> c(n * d), mean(d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j) mean[j] += m[i * d + j] / static_cast<double>(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < d; ++j) c[i * d + j] = m[i * d + j] - mean[j];
    return c;
  };
  auto cross_norm2 = [n](const std::vector<double>& a, std::size_t da, const std::vector<double>& b, std::size_t db) {
    double s = 0;
    for (std::size_t j = 0; j < da; ++j)
      for (std::size_t k = 0; k < db; ++k) {
        double d = 0;
        for (std::size_t i = 0; i < n; ++i) d += a[i * da + j] * b[i * db + k];
        s += d * d;
      }
    return s;
  };
  const auto xc = centred(x, p), yc = centred(y, q);
  return cross_norm2(xc, p, yc, q) / std::sqrt(cross_norm2(xc, p, xc, p) * cross_norm2(yc, q, yc, q));
}

}  // namespace

BOOST_AUTO_TEST_CASE(one_feature_each_gives_the_squared_correlation_by_hand) {
  // x = 1..4, y = x^2. Centred: x = (-1.5, -0.5, 0.5, 1.5), y = (-6.5, -3.5, 1.5, 8.5);
  // x.y = 25, |x|^2 = 5, |y|^2 = 129: CKA = 25^2 / (5 * 129) = 625 / 645.
  const Matrix x = {1, 2, 3, 4}, y = {1, 4, 9, 16};
  BOOST_TEST(linear_cka(x.data(), 1, y.data(), 1, 4) == 625.0 / 645.0, boost::test_tools::tolerance(1e-12));
  // Two features by hand: X = [x, x] has the same Gram up to a factor 2 (scale-free): same value.
  const Matrix xx = {1, 1, 2, 2, 3, 3, 4, 4};
  BOOST_TEST(linear_cka(xx.data(), 2, y.data(), 1, 4) == 625.0 / 645.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(identical_orthogonally_transformed_and_scaled_representations_give_one) {
  const std::size_t n = 60, p = 12;
  const Matrix x = random_matrix(n, p, 1);
  BOOST_TEST(linear_cka(x.data(), p, x.data(), p, n) == 1.0, boost::test_tools::tolerance(1e-12));
  const Matrix rotated = times(x, n, p, random_orthogonal(p, 2), p);
  BOOST_TEST(linear_cka(x.data(), p, rotated.data(), p, n) == 1.0, boost::test_tools::tolerance(1e-6));
  Matrix scaled = x;
  for (auto& v : scaled) v *= 3.7f;
  BOOST_TEST(linear_cka(x.data(), p, scaled.data(), p, n) == 1.0, boost::test_tools::tolerance(1e-6));
  // Centring: a constant added to every input changes nothing.
  Matrix shifted = x;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) shifted[i * p + j] += 5.0f + static_cast<float>(j);
  BOOST_TEST(linear_cka(x.data(), p, shifted.data(), p, n) == 1.0, boost::test_tools::tolerance(1e-6));
  // Not invariant to an anisotropic scaling: one feature stretched tenfold.
  Matrix stretched = x;
  for (std::size_t i = 0; i < n; ++i) stretched[i * p] *= 10.0f;
  const double v = linear_cka(x.data(), p, stretched.data(), p, n);
  BOOST_TEST(v < 0.9);
  BOOST_TEST(v == slow_cka(x, p, stretched, p, n), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(matches_the_slow_feature_form_wider_and_narrower_than_the_inputs) {
  // q < n < p, features far from zero (centring must be done before the product), and a
  // nonlinear map between the two sides so that CKA is strictly between 0 and 1.
  const std::size_t n = 40, p = 90, q = 7;
  const Matrix x = random_matrix(n, p, 3, 50.0);
  std::vector<double> a(p * q);
  std::mt19937 rng(4);
  std::normal_distribution<double> g(0.0, 1.0);
  for (auto& v : a) v = g(rng);
  Matrix y = times(x, n, p, a, q);
  for (auto& v : y) v = std::tanh(v / 40.0f) + 0.1f * v / 40.0f;
  const double expected = slow_cka(x, p, y, q, n);
  BOOST_TEST(expected > 0.05);
  BOOST_TEST(expected < 0.95);
  BOOST_TEST(linear_cka(x.data(), p, y.data(), q, n) == expected, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(linear_cka(y.data(), q, x.data(), p, n) == expected, boost::test_tools::tolerance(1e-9));
  // Two unrelated representations.
  const Matrix z = random_matrix(n, q, 5);
  BOOST_TEST(linear_cka(z.data(), q, y.data(), q, n) == slow_cka(z, q, y, q, n), boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(a_constant_layer_has_no_similarity_and_sizes_must_match) {
  const Matrix x = random_matrix(10, 3, 6), c(10 * 2, 1.5f);
  BOOST_TEST(std::isnan(linear_cka(x.data(), 3, c.data(), 2, 10)));
  const CenteredGram a(x.data(), 10, 3), b(x.data(), 9, 3);
  BOOST_CHECK_THROW(cka(a, b), Error);
}

BOOST_AUTO_TEST_CASE(layer_matrix_of_a_model_matches_cka_of_its_activations_taken_by_hand) {
  MyDeepLearning model(testing::layer_registry(), 11);
  model.add({{"type", "dense"}, {"units", 6}, {"activation", "relu"}});
  model.add({{"type", "dense"}, {"units", 4}, {"activation", "tanh"}});
  model.add({{"type", "dense"}, {"units", 3}});
  model.build({5});
  const std::size_t n = 70;
  const Matrix xin = random_matrix(n, 5, 7);
  std::vector<int> labels(n);
  for (std::size_t i = 0; i < n; ++i) labels[i] = static_cast<int>(i % 3);
  const LabeledData data({5}, std::vector<float>(xin), labels, {"a", "b", "c"});

  SimilarityOptions o;
  o.samples = 0;
  o.batch_size = 16;  // several batches, the last one short
  const LayerSimilarity s = layer_similarity(model, &model, data, o);
  BOOST_REQUIRE_EQUAL(s.layers.size(), 4u);  // input + 3 dense
  BOOST_TEST(s.samples == n);
  // Activations by hand, all inputs in one forward.
  Tensor x = data.batch_range(0, n);
  std::vector<Matrix> acts = {Matrix(x.data(), x.data() + x.size())};
  model.forward(x, [&](std::size_t, const Layer&, const Tensor&, const Tensor& out) {
    acts.emplace_back(out.data(), out.data() + out.size());
  });
  const std::size_t width[] = {5, 6, 4, 3};
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(s.cka[i][i] == 1.0, boost::test_tools::tolerance(1e-12));
    for (std::size_t j = 0; j < 4; ++j) {
      BOOST_TEST(s.cka[i][j] == s.cka[j][i]);
      BOOST_TEST(s.cka[i][j] == slow_cka(acts[i], width[i], acts[j], width[j], n), boost::test_tools::tolerance(1e-6));
      BOOST_TEST(s.cross[i][j] == s.cka[i][j], boost::test_tools::tolerance(1e-12));  // the model against itself
    }
  }
  const auto j = layer_similarity_json(s);
  BOOST_TEST(j["layers"].size() == 4u);
  BOOST_TEST(j["compared"]["same_layer"].size() == 4u);
}

BOOST_AUTO_TEST_CASE(options_are_checked_by_key) {
  BOOST_CHECK_EXCEPTION(SimilarityOptions::from_json({{"sampels", 3}}, "x.json: similarity"), ConfigError,
                        [](const ConfigError& e) {
                          return std::string(e.what()).find("x.json: similarity.sampels: unknown key") == 0;
                        });
  BOOST_CHECK_THROW(SimilarityOptions::from_json({{"samples", 5000}}, "s"), ConfigError);
  BOOST_CHECK_THROW(SimilarityOptions::from_json({{"samples", "many"}}, "s"), ConfigError);
  const auto o = SimilarityOptions::from_json({{"samples", 64}, {"enabled", false}}, "s");
  BOOST_TEST(o.samples == 64u);
  BOOST_TEST(!o.enabled);
}
