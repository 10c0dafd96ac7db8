#pragma once
// Matrix products for the thin shapes of small convolutions, where OpenBLAS spends more
// time packing operands than multiplying (W2's conv1 weight gradient, (8 x 43264) times
// (43264 x 9), ran at 7 GFLOP/s through sgemm). Row-major, explicit leading dimensions,
// written with GCC vector extensions so they compile to AVX/AVX-512 FMAs with
// -march=native and to SSE otherwise.
#include <cstddef>

namespace glassbox::layers {

// C (M x N) = A (M x K) . B (K x N) [+ C when accumulate], for small M and K, long N.
// Epilogue per row m: C[m, :] += bias[m] (bias may be null), then ReLU when relu.
void gemm_small_mk(std::size_t M, std::size_t N, std::size_t K, const float* A, std::size_t lda,
                   const float* B, std::size_t ldb, float* C, std::size_t ldc, const float* bias,
                   bool relu);

// C (M x N) += A (M x K) . B (N x K)^T, for small M and N, long K (a sum of dot products).
void gemm_nt_accumulate(std::size_t M, std::size_t N, std::size_t K, const float* A,
                        std::size_t lda, const float* B, std::size_t ldb, float* C, std::size_t ldc);

}  // namespace glassbox::layers
