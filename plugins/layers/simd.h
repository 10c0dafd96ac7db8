#pragma once
// Eight-float vectors as GCC vector extensions: they compile to AVX/AVX-512 instructions
// with -march=native and to pairs of SSE instructions otherwise, without intrinsics.
#include <cstring>

namespace glassbox::layers::simd {

typedef float v8 __attribute__((vector_size(32)));

inline v8 load(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);  // an unaligned load
  return v;
}
inline void store(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }
inline v8 splat(float x) { return v8{x, x, x, x, x, x, x, x}; }
inline float hsum(v8 v) {
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

}  // namespace glassbox::layers::simd
