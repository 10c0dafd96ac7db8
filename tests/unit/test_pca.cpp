// PCA of activations (explain/pca.h) against an independent slow implementation: the
// covariance by plain loops and its eigenvectors by power iteration with deflation.
#define BOOST_TEST_MODULE pca
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <random>

#include "glassbox/error.h"
#include "glassbox/explain/pca.h"

using namespace glassbox::explain;

namespace {

// n rows of p features: independent Gaussian coordinates with standard deviations
// 5, 3, 2, 1, 0.5, ... along a random rotation of the axes, plus an offset.
std::vector<float> anisotropic(std::size_t n, std::size_t p, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  std::vector<std::vector<double>> basis(p, std::vector<double>(p));
  for (std::size_t a = 0; a < p; ++a) {  // Gram-Schmidt on random vectors
    for (double& v : basis[a]) v = g(rng);
    for (std::size_t b = 0; b < a; ++b) {
      double d = 0;
      for (std::size_t j = 0; j < p; ++j) d += basis[a][j] * basis[b][j];
      for (std::size_t j = 0; j < p; ++j) basis[a][j] -= d * basis[b][j];
    }
    double norm = 0;
    for (double v : basis[a]) norm += v * v;
    for (double& v : basis[a]) v /= std::sqrt(norm);
  }
  const double sd[] = {5, 3, 2, 1, 0.5};
  std::vector<float> x(n * p);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = 0; a < p; ++a) {
      const double c = g(rng) * (a < 5 ? sd[a] : 0.25);
      for (std::size_t j = 0; j < p; ++j) x[i * p + j] += static_cast<float>(c * basis[a][j] + (a == 0 ? 1.5 : 0.0));
    }
  return x;
}

struct Slow {
  std::vector<std::vector<double>> axes;
  std::vector<double> variance;
};

Slow slow_pca(const std::vector<float>& x, std::size_t n, std::size_t p, std::size_t k) {
  std::vector<double> mean(p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) mean[j] += x[i * p + j] / static_cast<double>(n);
  std::vector<std::vector<double>> cov(p, std::vector<double>(p, 0.0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t a = 0; a < p; ++a)
      for (std::size_t b = 0; b < p; ++b) cov[a][b] += (x[i * p + a] - mean[a]) * (x[i * p + b] - mean[b]) / (n - 1.0);
  Slow s;
  for (std::size_t c = 0; c < k; ++c) {
    std::vector<double> v(p, 1.0 / std::sqrt(static_cast<double>(p)));
    double lambda = 0;
    for (int it = 0; it < 5000; ++it) {
      std::vector<double> w(p, 0.0);
      for (std::size_t a = 0; a < p; ++a)
        for (std::size_t b = 0; b < p; ++b) w[a] += cov[a][b] * v[b];
      double norm = 0;
      for (double q : w) norm += q * q;
      lambda = std::sqrt(norm);
      for (std::size_t a = 0; a < p; ++a) v[a] = w[a] / lambda;
    }
    for (std::size_t a = 0; a < p; ++a)
      for (std::size_t b = 0; b < p; ++b) cov[a][b] -= lambda * v[a] * v[b];
    s.axes.push_back(v);
    s.variance.push_back(lambda);
  }
  return s;
}

double abs_dot(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t j = 0; j < a.size(); ++j) d += a[j] * b[j];
  return std::fabs(d);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_axes_and_variances_are_the_covariance_eigenvectors) {
  for (const std::size_t n : {300u, 12u}) {  // covariance route (n >= p) and Gram route (n < p)
    const std::size_t p = 16, k = 3;
    const auto x = anisotropic(n, p, 7);
    const Pca pca = fit_pca(x.data(), n, p, k);
    const Slow slow = slow_pca(x, n, p, k);
    for (std::size_t c = 0; c < k; ++c) {
      BOOST_TEST(std::fabs(pca.variance[c] - slow.variance[c]) <= 1e-6 * slow.variance[0], "n " << n << " axis " << c);
      BOOST_TEST(abs_dot(pca.axes[c], slow.axes[c]) >= 1 - 1e-6, "n " << n << " axis " << c);
      const auto big = std::max_element(pca.axes[c].begin(), pca.axes[c].end(),
                                        [](double a, double b) { return std::fabs(a) < std::fabs(b); });
      BOOST_TEST(*big > 0);  // the sign convention
    }
    double sum = 0;
    for (double r : pca.variance_ratio) sum += r;
    BOOST_TEST(sum <= 1.0 + 1e-12);
    BOOST_TEST(pca.variance_ratio[0] > pca.variance_ratio[1]);
  }
}

BOOST_AUTO_TEST_CASE(the_coordinates_of_the_fitted_rows_have_mean_zero_and_the_axis_variance) {
  const std::size_t n = 200, p = 6, k = 2;
  const auto x = anisotropic(n, p, 3);
  const Pca pca = fit_pca(x.data(), n, p, k);
  const auto coords = pca.project(x.data(), n);
  BOOST_REQUIRE_EQUAL(coords.size(), n * k);
  for (std::size_t a = 0; a < k; ++a) {
    double mean = 0, var = 0;
    for (std::size_t i = 0; i < n; ++i) mean += coords[i * k + a] / n;
    for (std::size_t i = 0; i < n; ++i) var += (coords[i * k + a] - mean) * (coords[i * k + a] - mean) / (n - 1.0);
    BOOST_TEST(std::fabs(mean) < 1e-4);
    BOOST_TEST(std::fabs(var - pca.variance[a]) <= 1e-6 * pca.variance[a]);
  }
  // Two exactly known points: the mean projects to 0, mean + 2 * axis0 to (2, 0).
  std::vector<float> pts(2 * p);
  for (std::size_t j = 0; j < p; ++j) {
    pts[j] = static_cast<float>(pca.mean[j]);
    pts[p + j] = static_cast<float>(pca.mean[j] + 2 * pca.axes[0][j]);
  }
  const auto c = pca.project(pts.data(), 2);
  BOOST_TEST(std::fabs(c[0]) < 1e-5);
  BOOST_TEST(std::fabs(c[2] - 2) < 1e-5);
  BOOST_TEST(std::fabs(c[3]) < 1e-5);
}

BOOST_AUTO_TEST_CASE(top_eigenpairs_of_a_known_matrix_and_bad_requests) {
  // [[2, 1], [1, 2]]: eigenvalues 3 (axis (1, 1)/sqrt 2) and 1.
  const EigenPairs e = top_eigenpairs({2, 1, 1, 2}, 2, 2);
  BOOST_TEST(std::fabs(e.values[0] - 3) < 1e-12);
  BOOST_TEST(std::fabs(e.values[1] - 1) < 1e-12);
  BOOST_TEST(std::fabs(std::fabs(e.vectors[0][0]) - std::sqrt(0.5)) < 1e-12);
  BOOST_CHECK_THROW(top_eigenpairs({1}, 1, 2), glassbox::Error);
  const std::vector<float> x(4 * 3, 1.0f);
  BOOST_CHECK_THROW(fit_pca(x.data(), 1, 3, 1), glassbox::Error);   // one row
  BOOST_CHECK_THROW(fit_pca(x.data(), 4, 3, 4), glassbox::Error);   // more axes than features
  const Pca flat = fit_pca(x.data(), 4, 3, 1);                       // no variance at all
  BOOST_TEST(flat.total_variance == 0.0);
  BOOST_TEST(flat.variance_ratio[0] == 0.0);
}
