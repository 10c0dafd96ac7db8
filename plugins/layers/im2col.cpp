#include "im2col.h"

#include <algorithm>
#include <cstring>

#include "simd.h"

namespace glassbox::layers {
namespace {

// The output columns [lo, hi) whose input column ox*stride + offset lies inside [0, size).
inline void valid_range(std::size_t out, std::size_t stride, long offset, std::size_t size,
                        std::size_t& lo, std::size_t& hi) {
  // ox*stride + offset >= 0  <=>  ox >= ceil(-offset / stride)
  long l = offset >= 0 ? 0 : (-offset + static_cast<long>(stride) - 1) / static_cast<long>(stride);
  // ox*stride + offset <= size-1  <=>  ox <= floor((size-1-offset) / stride)
  long top = static_cast<long>(size) - 1 - offset;
  long h = top < 0 ? 0 : top / static_cast<long>(stride) + 1;
  lo = static_cast<std::size_t>(std::min<long>(l, static_cast<long>(out)));
  hi = static_cast<std::size_t>(std::max<long>(std::min<long>(h, static_cast<long>(out)), static_cast<long>(lo)));
}

// Copies a short row (an output row's worth, 11-28 floats at W2's shapes) with vector
// moves: a memcpy call per row cost more than the copy itself. Rows of 8 or more end with
// one overlapping vector instead of a scalar tail.
inline void copy_row(float* dst, const float* src, std::size_t count) {
  if (count < 8) {
    for (std::size_t k = 0; k < count; ++k) dst[k] = src[k];
    return;
  }
  std::size_t k = 0;
  for (; k + 8 <= count; k += 8) simd::store(dst + k, simd::load(src + k));
  if (k < count) simd::store(dst + count - 8, simd::load(src + count - 8));
}

}  // namespace

void im2col(const ConvGeometry& g, const float* x, float* col, std::size_t ld) {
  const std::size_t plane = g.h * g.w;
  for (std::size_t c = 0; c < g.c; ++c) {
    for (std::size_t i = 0; i < g.kh; ++i) {
      for (std::size_t j = 0; j < g.kw; ++j) {
        float* dst = col + ((c * g.kh + i) * g.kw + j) * ld;
        const long xoff = static_cast<long>(j) - static_cast<long>(g.pad_left);
        std::size_t lo, hi;
        valid_range(g.ow, g.sw, xoff, g.w, lo, hi);
        {
          const float* src = x + c * plane;
          for (std::size_t oy = 0; oy < g.oh; ++oy, dst += g.ow) {
            const long iy = static_cast<long>(oy * g.sh + i) - static_cast<long>(g.pad_top);
            if (iy < 0 || iy >= static_cast<long>(g.h)) {
              std::fill(dst, dst + g.ow, 0.0f);
              continue;
            }
            const float* srow = src + static_cast<std::size_t>(iy) * g.w;
            std::fill(dst, dst + lo, 0.0f);
            if (g.sw == 1) {
              copy_row(dst + lo, srow + (static_cast<long>(lo) + xoff), hi - lo);
            } else {
              for (std::size_t ox = lo; ox < hi; ++ox)
                dst[ox] = srow[static_cast<long>(ox * g.sw) + xoff];
            }
            std::fill(dst + hi, dst + g.ow, 0.0f);
          }
        }
      }
    }
  }
}

void col2im(const ConvGeometry& g, const float* dcol, std::size_t ld, float* dx) {
  const std::size_t plane = g.h * g.w;
  for (std::size_t c = 0; c < g.c; ++c) {
    for (std::size_t i = 0; i < g.kh; ++i) {
      for (std::size_t j = 0; j < g.kw; ++j) {
        const float* src = dcol + ((c * g.kh + i) * g.kw + j) * ld;
        const long xoff = static_cast<long>(j) - static_cast<long>(g.pad_left);
        std::size_t lo, hi;
        valid_range(g.ow, g.sw, xoff, g.w, lo, hi);
        {
          float* dst = dx + c * plane;
          for (std::size_t oy = 0; oy < g.oh; ++oy, src += g.ow) {
            const long iy = static_cast<long>(oy * g.sh + i) - static_cast<long>(g.pad_top);
            if (iy < 0 || iy >= static_cast<long>(g.h)) continue;
            float* drow = dst + static_cast<std::size_t>(iy) * g.w;
            if (g.sw == 1) {
              for (std::size_t ox = lo; ox < hi; ++ox) drow[static_cast<long>(ox) + xoff] += src[ox];
            } else {
              for (std::size_t ox = lo; ox < hi; ++ox) drow[static_cast<long>(ox * g.sw) + xoff] += src[ox];
            }
          }
        }
      }
    }
  }
}

void im2col_wide(const ConvGeometry& g, const float* x, float* col, std::size_t ld) {
  const std::size_t plane = g.h * g.w, pc = g.oh * g.w;
  for (std::size_t c = 0; c < g.c; ++c) {
    for (std::size_t i = 0; i < g.kh; ++i) {
      for (std::size_t j = 0; j < g.kw; ++j) {
        float* dst = col + ((c * g.kh + i) * g.kw + j) * ld;
        const std::size_t off = i * g.w + j, len = std::min(pc, plane - off);
        std::memcpy(dst, x + c * plane + off, len * sizeof(float));
        std::fill(dst + len, dst + pc, 0.0f);
      }
    }
  }
}

void col2im_wide(const ConvGeometry& g, const float* dcol, std::size_t ld, float* dx) {
  const std::size_t plane = g.h * g.w, pc = g.oh * g.w;
  for (std::size_t c = 0; c < g.c; ++c) {
    for (std::size_t i = 0; i < g.kh; ++i) {
      for (std::size_t j = 0; j < g.kw; ++j) {
        const float* src = dcol + ((c * g.kh + i) * g.kw + j) * ld;
        const std::size_t off = i * g.w + j, len = std::min(pc, plane - off);
        float* dst = dx + c * plane + off;
        for (std::size_t p = 0; p < len; ++p) dst[p] += src[p];
      }
    }
  }
}

}  // namespace glassbox::layers
