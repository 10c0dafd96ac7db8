#pragma once
// The convolution's column kernels: im2col gathers, for every output position, the input
// pixels each kernel tap multiplies; col2im scatters column gradients back. One sample
// (C, H, W) at a time, columns with an explicit row stride so a sample's block can sit in
// a batch-wide matrix. Conv2D (conv2d.cpp) is their only user.
#include <cstddef>

namespace glassbox::layers {

struct ConvGeometry {
  std::size_t c = 0, h = 0, w = 0;      // input
  std::size_t kh = 0, kw = 0, sh = 1, sw = 1;
  std::size_t pad_top = 0, pad_left = 0;
  std::size_t oh = 0, ow = 0;           // output
  std::size_t taps() const { return c * kh * kw; }
  std::size_t positions() const { return oh * ow; }
};

// The columns of one sample x (C, H, W): col (taps, P) with row stride ld, P = OH*OW;
// padding reads as zeros.
void im2col(const ConvGeometry& g, const float* x, float* col, std::size_t ld);
// dx (C, H, W) += col2im(dcol (taps, P), row stride ld) for one sample; dx must be
// zeroed by the caller.
void col2im(const ConvGeometry& g, const float* dcol, std::size_t ld, float* dx);

// Stride 1 without padding, the batch-level path computes "wide" positions p = oy*W + ox
// for every ox < W instead of OW (W - OW extra columns per output row, dropped in forward
// and given a zero gradient in backward). Then the row of tap (c, i, j) is one contiguous
// stretch of the input plane, from offset i*W + j: one copy of OH*W values instead of OH
// copies of OW. The last taps' stretches run past the plane by up to kw-1 values, which
// only wide columns read: they are zero-filled.
void im2col_wide(const ConvGeometry& g, const float* x, float* col, std::size_t ld);
// dx (C, H, W) += the wide dcol's contributions; the wide columns hold zeros.
void col2im_wide(const ConvGeometry& g, const float* dcol, std::size_t ld, float* dx);

}  // namespace glassbox::layers
