#include "reductions.h"

#include "simd.h"

namespace glassbox::layers {

using namespace simd;

float vector_sum(const float* x, std::size_t n) {
  v8 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 += load(x + i);
    a1 += load(x + i + 8);
    a2 += load(x + i + 16);
    a3 += load(x + i + 24);
  }
  for (; i + 8 <= n; i += 8) a0 += load(x + i);
  float s = hsum((a0 + a1) + (a2 + a3));
  for (; i < n; ++i) s += x[i];
  return s;
}

float vector_dot(const float* x, const float* y, std::size_t n) {
  v8 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 += load(x + i) * load(y + i);
    a1 += load(x + i + 8) * load(y + i + 8);
    a2 += load(x + i + 16) * load(y + i + 16);
    a3 += load(x + i + 24) * load(y + i + 24);
  }
  for (; i + 8 <= n; i += 8) a0 += load(x + i) * load(y + i);
  float s = hsum((a0 + a1) + (a2 + a3));
  for (; i < n; ++i) s += x[i] * y[i];
  return s;
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
