#include "small_gemm.h"

#include "simd.h"

namespace glassbox::layers {
namespace {

using namespace simd;

inline float finish(float z, const float* bias, std::size_t m, bool relu) {
  if (bias) z += bias[m];
  return relu && z < 0.0f ? 0.0f : z;
}
inline v8 finish(v8 z, const float* bias, std::size_t m, bool relu) {
  if (bias) z += splat(bias[m]);
  if (relu) z = z > splat(0.0f) ? z : splat(0.0f);
  return z;
}

}  // namespace

void gemm_small_mk(std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda,
                   const float* B, std::size_t ldb, float* C, std::size_t ldc, const float* bias,
                   bool relu) {
  constexpr std::size_t W = 32;  // columns per block: four vectors
  std::size_t j = 0;
  for (; j + W <= N; j += W) {
    std::size_t m = 0;
    // Two rows of C at a time share each load of B.
    for (; m + 2 <= M; m += 2) {
      v8 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
      v8 b0 = splat(0), b1 = splat(0), b2 = splat(0), b3 = splat(0);
      const float* r0 = A + m * lda;
      const float* r1 = r0 + lda;
      for (std::size_t k = 0; k < K; ++k) {
        const float* b = B + k * ldb + j;
        const v8 x0 = load(b), x1 = load(b + 8), x2 = load(b + 16), x3 = load(b + 24);
        const v8 s0 = splat(r0[k]), s1 = splat(r1[k]);
        a0 += s0 * x0; a1 += s0 * x1; a2 += s0 * x2; a3 += s0 * x3;
        b0 += s1 * x0; b1 += s1 * x1; b2 += s1 * x2; b3 += s1 * x3;
      }
      float* c0 = C + m * ldc + j;
      float* c1 = c0 + ldc;
      store(c0, finish(a0, bias, m, relu)); store(c0 + 8, finish(a1, bias, m, relu));
      store(c0 + 16, finish(a2, bias, m, relu)); store(c0 + 24, finish(a3, bias, m, relu));
      store(c1, finish(b0, bias, m + 1, relu)); store(c1 + 8, finish(b1, bias, m + 1, relu));
      store(c1 + 16, finish(b2, bias, m + 1, relu)); store(c1 + 24, finish(b3, bias, m + 1, relu));
    }
    for (; m < M; ++m) {
      v8 a0 = splat(0), a1 = splat(0), a2 = splat(0), a3 = splat(0);
      const float* r0 = A + m * lda;
      for (std::size_t k = 0; k < K; ++k) {
        const float* b = B + k * ldb + j;
        const v8 s0 = splat(r0[k]);
        a0 += s0 * load(b); a1 += s0 * load(b + 8); a2 += s0 * load(b + 16); a3 += s0 * load(b + 24);
      }
      float* c0 = C + m * ldc + j;
      store(c0, finish(a0, bias, m, relu)); store(c0 + 8, finish(a1, bias, m, relu));
      store(c0 + 16, finish(a2, bias, m, relu)); store(c0 + 24, finish(a3, bias, m, relu));
    }
  }
  // Remaining columns, one vector (then one value) at a time.
  for (; j + 8 <= N; j += 8) {
    for (std::size_t m = 0; m < M; ++m) {
      v8 acc = splat(0);
      const float* r = A + m * lda;
      for (std::size_t k = 0; k < K; ++k) acc += splat(r[k]) * load(B + k * ldb + j);
      store(C + m * ldc + j, finish(acc, bias, m, relu));
    }
  }
  for (; j < N; ++j) {
    for (std::size_t m = 0; m < M; ++m) {
      float acc = 0.0f;
      const float* r = A + m * lda;
      for (std::size_t k = 0; k < K; ++k) acc += r[k] * B[k * ldb + j];
      C[m * ldc + j] = finish(acc, bias, m, relu);
    }
  }
}

void gemm_nt_accumulate(std::size_t M, std::size_t N, std::size_t K, const float* A,
                        std::size_t lda, const float* B, std::size_t ldb, float* C,
                        std::size_t ldc) {
  const std::size_t K8 = K - K % 8;
  std::size_t m = 0;
  // 2 rows of A x 4 rows of B: eight dot products share six loads per step.
  for (; m + 2 <= M; m += 2) {
    const float* a0 = A + m * lda;
    const float* a1 = a0 + lda;
    std::size_t n = 0;
    for (; n + 4 <= N; n += 4) {
      const float* b0 = B + n * ldb;
      const float* b1 = b0 + ldb;
      const float* b2 = b1 + ldb;
      const float* b3 = b2 + ldb;
      v8 c00 = splat(0), c01 = splat(0), c02 = splat(0), c03 = splat(0);
      v8 c10 = splat(0), c11 = splat(0), c12 = splat(0), c13 = splat(0);
      for (std::size_t k = 0; k < K8; k += 8) {
        const v8 x0 = load(a0 + k), x1 = load(a1 + k);
        const v8 y0 = load(b0 + k), y1 = load(b1 + k), y2 = load(b2 + k), y3 = load(b3 + k);
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
      }
      float s[2][4] = {{hsum(c00), hsum(c01), hsum(c02), hsum(c03)},
                       {hsum(c10), hsum(c11), hsum(c12), hsum(c13)}};
      for (std::size_t k = K8; k < K; ++k) {
        s[0][0] += a0[k] * b0[k]; s[0][1] += a0[k] * b1[k]; s[0][2] += a0[k] * b2[k]; s[0][3] += a0[k] * b3[k];
        s[1][0] += a1[k] * b0[k]; s[1][1] += a1[k] * b1[k]; s[1][2] += a1[k] * b2[k]; s[1][3] += a1[k] * b3[k];
      }
      for (std::size_t i = 0; i < 2; ++i)
        for (std::size_t q = 0; q < 4; ++q) C[(m + i) * ldc + n + q] += s[i][q];
    }
    for (; n < N; ++n) {
      const float* b0 = B + n * ldb;
      v8 c0 = splat(0), c1 = splat(0);
      for (std::size_t k = 0; k < K8; k += 8) {
        const v8 y = load(b0 + k);
        c0 += load(a0 + k) * y;
        c1 += load(a1 + k) * y;
      }
      float s0 = hsum(c0), s1 = hsum(c1);
      for (std::size_t k = K8; k < K; ++k) {
        s0 += a0[k] * b0[k];
        s1 += a1[k] * b0[k];
      }
      C[m * ldc + n] += s0;
      C[(m + 1) * ldc + n] += s1;
    }
  }
  for (; m < M; ++m) {
    const float* a0 = A + m * lda;
    for (std::size_t n = 0; n < N; ++n) {
      const float* b0 = B + n * ldb;
      v8 c0 = splat(0);
      for (std::size_t k = 0; k < K8; k += 8) c0 += load(a0 + k) * load(b0 + k);
      float s0 = hsum(c0);
      for (std::size_t k = K8; k < K; ++k) s0 += a0[k] * b0[k];
      C[m * ldc + n] += s0;
    }
  }
}

}  // namespace glassbox::layers
