#include "glassbox/explain/pca.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "glassbox/error.h"

// LAPACK's symmetric eigen-solver (Fortran interface, exported by OpenBLAS); the trailing
// arguments are the lengths of the three one-character strings.
extern "C" void dsyevr_(const char* jobz, const char* range, const char* uplo, const int* n, double* a, const int* lda,
                        const double* vl, const double* vu, const int* il, const int* iu, const double* abstol, int* m,
                        double* w, double* z, const int* ldz, int* isuppz, double* work, const int* lwork, int* iwork,
                        const int* liwork, int* info, std::size_t, std::size_t, std::size_t);

namespace glassbox::explain {

EigenPairs top_eigenpairs(std::vector<double> a, std::size_t n, std::size_t k) {
  if (k < 1 || k > n || a.size() != n * n)
    throw Error("top_eigenpairs: k = " + std::to_string(k) + " of an " + std::to_string(n) + " x " +
                std::to_string(n) + " matrix");
  const int nn = static_cast<int>(n), il = nn - static_cast<int>(k) + 1, iu = nn;
  const double none = 0, abstol = 0;
  int found = 0, info = 0, lwork = -1, liwork = -1, iwork_size = 0;
  std::vector<double> w(n), z(n * k);
  std::vector<int> isuppz(2 * k);
  double work_size = 0;
  // A workspace query first, then the solve; row-major symmetric is column-major symmetric.
  dsyevr_("V", "I", "U", &nn, a.data(), &nn, &none, &none, &il, &iu, &abstol, &found, w.data(), z.data(), &nn,
          isuppz.data(), &work_size, &lwork, &iwork_size, &liwork, &info, 1, 1, 1);
  lwork = static_cast<int>(work_size);
  liwork = iwork_size;
  std::vector<double> work(static_cast<std::size_t>(std::max(1, lwork)));
  std::vector<int> iwork(static_cast<std::size_t>(std::max(1, liwork)));
  dsyevr_("V", "I", "U", &nn, a.data(), &nn, &none, &none, &il, &iu, &abstol, &found, w.data(), z.data(), &nn,
          isuppz.data(), work.data(), &lwork, iwork.data(), &liwork, &info, 1, 1, 1);
  if (info != 0 || found != static_cast<int>(k))
    throw Error("top_eigenpairs: LAPACK dsyevr failed (info " + std::to_string(info) + ")");
  EigenPairs out;
  for (std::size_t j = k; j-- > 0;) {  // ascending from LAPACK, descending here
    out.values.push_back(w[j]);
    out.vectors.emplace_back(z.begin() + static_cast<std::ptrdiff_t>(j * n),
                             z.begin() + static_cast<std::ptrdiff_t>((j + 1) * n));
  }
  return out;
}

namespace {

// Flips v so that its largest-magnitude entry is positive.
void fix_sign(std::vector<double>& v) {
  const auto big = std::max_element(v.begin(), v.end(), [](double a, double b) { return std::fabs(a) < std::fabs(b); });
  if (big != v.end() && *big < 0)
    for (double& x : v) x = -x;
}

// The centred rows as doubles (n x p).
std::vector<double> centred(const float* x, std::size_t n, std::size_t p, const std::vector<double>& mean) {
  std::vector<double> c(n * p);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) c[i * p + j] = static_cast<double>(x[i * p + j]) - mean[j];
  return c;
}

// Unit axes of the centred rows c (n x p) from the eigenvectors of their Gram matrix
// c c^T (n x n): axis = c^T u / |c^T u|.
std::vector<std::vector<double>> axes_from_gram(const std::vector<double>& c, std::size_t n, std::size_t p,
                                                const EigenPairs& e) {
  std::vector<std::vector<double>> axes;
  for (const auto& u : e.vectors) {
    std::vector<double> v(p, 0.0);
    cblas_dgemv(CblasRowMajor, CblasTrans, static_cast<int>(n), static_cast<int>(p), 1.0, c.data(),
                static_cast<int>(p), u.data(), 1, 0.0, v.data(), 1);
    const double norm = cblas_dnrm2(static_cast<int>(p), v.data(), 1);
    if (norm > 0)
      for (double& x : v) x /= norm;
    axes.push_back(std::move(v));
  }
  return axes;
}

}  // namespace

Pca fit_pca(const float* x, std::size_t n, std::size_t p, std::size_t k) {
  if (n < 2 || p < 1 || k < 1 || k > std::min(n - 1, p))
    throw Error("fit_pca: " + std::to_string(k) + " components of " + std::to_string(n) + " rows of " +
                std::to_string(p) + " features (needs 1 <= k <= min(rows - 1, features))");
  Pca pca;
  pca.features = p;
  pca.mean.assign(p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) pca.mean[j] += x[i * p + j];
  for (double& m : pca.mean) m /= static_cast<double>(n);
  const std::vector<double> c = centred(x, n, p, pca.mean);
  const bool dual = n < p;
  const std::size_t d = dual ? n : p;
  std::vector<double> s(d * d, 0.0);  // c c^T (n x n) or c^T c (p x p)
  cblas_dsyrk(CblasRowMajor, CblasUpper, dual ? CblasNoTrans : CblasTrans, static_cast<int>(d), static_cast<int>(dual ? p : n),
              1.0, c.data(), static_cast<int>(p), 0.0, s.data(), static_cast<int>(d));
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < i; ++j) s[i * d + j] = s[j * d + i];
  for (std::size_t i = 0; i < d; ++i) pca.total_variance += s[i * d + i];
  pca.total_variance /= static_cast<double>(n - 1);
  const EigenPairs e = top_eigenpairs(std::move(s), d, k);
  pca.axes = dual ? axes_from_gram(c, n, p, e) : e.vectors;
  for (std::size_t j = 0; j < k; ++j) {
    fix_sign(pca.axes[j]);
    const double var = std::max(0.0, e.values[j]) / static_cast<double>(n - 1);
    pca.variance.push_back(var);
    pca.variance_ratio.push_back(pca.total_variance > 0 ? var / pca.total_variance : 0.0);
  }
  return pca;
}

std::vector<double> Pca::project(const float* x, std::size_t m) const {
  std::vector<double> out(m * axes.size(), 0.0);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t a = 0; a < axes.size(); ++a) {
      double sum = 0;
      for (std::size_t j = 0; j < features; ++j) sum += (static_cast<double>(x[i * features + j]) - mean[j]) * axes[a][j];
      out[i * axes.size() + a] = sum;
    }
  return out;
}

}  // namespace glassbox::explain
