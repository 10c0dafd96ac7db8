#pragma once
// Principal component analysis of a layer's activations: the axes along which a set of
// inputs varies most, and any input's coordinates along them (the "where do inputs sit"
// view). The eigen-decomposition is LAPACK's dsyevr (OpenBLAS).
#include <cstddef>
#include <vector>

namespace glassbox::explain {

// The k largest eigenvalues of a symmetric n x n matrix (row-major; both triangles hold
// the values), descending, and their unit eigenvectors (vectors[j] for values[j]).
// requires: 1 <= k <= n. Throws Error when LAPACK reports a failure.
struct EigenPairs {
  std::vector<double> values;
  std::vector<std::vector<double>> vectors;
};
EigenPairs top_eigenpairs(std::vector<double> matrix, std::size_t n, std::size_t k);

struct Pca {
  std::size_t features = 0;
  std::vector<double> mean;                 // features
  std::vector<std::vector<double>> axes;    // k unit vectors of `features` values
  std::vector<double> variance;             // along each axis, over n - 1
  std::vector<double> variance_ratio;       // its share of the total variance (0 when that is 0)
  double total_variance = 0;                // sum over the features, over n - 1

  // Coordinates of the m rows of x (m x features, row-major) along the axes: m x k, row-major.
  std::vector<double> project(const float* x, std::size_t m) const;
};

// The first k principal axes of the n rows of x (n x p, row-major), k <= min(n - 1, p),
// n >= 2. Each axis's sign is fixed (its largest-magnitude entry is positive), so the
// result does not depend on the eigen-solver's choice. Computed from the n x n Gram
// matrix of the centred rows when n < p, from the p x p covariance otherwise: the same
// axes, in O(min(n, p)^2) memory.
Pca fit_pca(const float* x, std::size_t n, std::size_t p, std::size_t k);

}  // namespace glassbox::explain
