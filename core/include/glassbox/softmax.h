#pragma once
// The one softmax: each row's maximum is subtracted before exponentiating (exp never
// overflows), p_j = exp(z_j - max) / sum_k exp(z_k - max). `Real` is the arithmetic of
// the exponentials and their sum: float in the layers (the softmax layer, a fused softmax,
// the page's probabilities), double where a loss or a score is summed (cross-entropy from
// logits, the linear probes, the novelty scores). The shifted value z_j - max is a float
// in both.
#include <cmath>
#include <cstddef>

namespace glassbox {

template <class Real>
struct SoftmaxRow {
  float max = 0;  // the row's largest value
  Real sum = 0;   // sum_k exp(z_k - max)

  Real shifted_exp(float z) const { return std::exp(static_cast<Real>(z - max)); }
  Real probability(float z) const { return shifted_exp(z) / sum; }
  Real log_sum_exp() const { return static_cast<Real>(max) + std::log(sum); }
};

// The maximum and the sum of one row of n >= 1 values.
template <class Real>
SoftmaxRow<Real> softmax_row(const float* z, std::size_t n) {
  SoftmaxRow<Real> r;
  r.max = z[0];
  for (std::size_t j = 1; j < n; ++j) r.max = r.max < z[j] ? z[j] : r.max;
  for (std::size_t j = 0; j < n; ++j) r.sum += r.shifted_exp(z[j]);
  return r;
}

// p = softmax(z) for `rows` rows of `cols` >= 1 values; p may be z. Each probability is
// exp(z_j - max) times 1 / sum.
template <class Real>
void softmax_rows(const float* z, float* p, std::size_t rows, std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const SoftmaxRow<Real> s = softmax_row<Real>(z + r * cols, cols);
    const Real inv = Real(1) / s.sum;
    for (std::size_t j = 0; j < cols; ++j) p[r * cols + j] = static_cast<float>(s.shifted_exp(z[r * cols + j]) * inv);
  }
}

}  // namespace glassbox
