#include "reductions.h"

#include "simd.h"

namespace glassbox::layers {

using namespace simd;

namespace {

// The sum of term(i) over n values: four vector accumulators over blocks of 32, one over
// the blocks of 8 left, then the scalar tail(i) of the last values.
template <class VectorTerm, class ScalarTerm>
float four_accumulator_sum(std::size_t n, VectorTerm term, ScalarTerm tail) {
  v8 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 += term(i);
    a1 += term(i + 8);
    a2 += term(i + 16);
    a3 += term(i + 24);
  }
  for (; i + 8 <= n; i += 8) a0 += term(i);
  float s = hsum((a0 + a1) + (a2 + a3));
  for (; i < n; ++i) s += tail(i);
  return s;
}

}  // namespace

float vector_sum(const float* x, std::size_t n) {
  return four_accumulator_sum(n, [x](std::size_t i) { return load(x + i); }, [x](std::size_t i) { return x[i]; });
}

float vector_dot(const float* x, const float* y, std::size_t n) {
  return four_accumulator_sum(n, [x, y](std::size_t i) { return load(x + i) * load(y + i); },
                              [x, y](std::size_t i) { return x[i] * y[i]; });
}

float vector_squared_deviation(const float* x, float mean, std::size_t n) {
  const v8 m = splat(mean);
  v8 a0 = splat(0), a1 = splat(0);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const v8 d0 = load(x + i) - m, d1 = load(x + i + 8) - m;
    a0 += d0 * d0;
    a1 += d1 * d1;
  }
  for (; i + 8 <= n; i += 8) {
    const v8 d = load(x + i) - m;
    a0 += d * d;
  }
  float s = hsum(a0 + a1);
  for (; i < n; ++i) s += (x[i] - mean) * (x[i] - mean);
  return s;
}

}  // namespace glassbox::layers
