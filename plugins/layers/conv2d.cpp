// Conv2D on NCHW batches: x (N, C, H, W), kernel (F, C, kh, kw) in PyTorch's layout,
// bias (F), output (N, F, OH, OW).
//
// im2col + GEMM. The column matrix col is (C*kh*kw, N*P), P = OH*OW: row (c, i, j)
// holds, for every sample and output position, the input pixel that kernel tap (c, i, j)
// multiplies. Then
//   forward:  Y = act(K (F, taps) . col + b)
//   backward: dZ = dY * act'(Y);  dK = dZ . col^T;  db = sums of dZ;  dcol = K^T . dZ,
//             scattered back into dx with col2im.
// Two ways to run these thin products, chosen by shape (measured at W2's shapes, batch
// 64, bench/README.md "Layers"):
//  - few taps (<= 32, e.g. 1->8 3x3: 9 taps): OpenBLAS spends more time packing than
//    multiplying (20 GFLOP/s), so the kernels of small_gemm.h run per sample, on col
//    stored as per-sample blocks (taps, P) (35-45 GFLOP/s), with bias and ReLU in the
//    forward GEMM's epilogue and results written straight in NCHW order;
//  - more taps (8->16 3x3: 72 taps): one batch-level cblas_sgemm per product
//    (45-55 GFLOP/s). Z comes out (F, N*P); the fused bias+activation pass also
//    permutes it to NCHW, and the activation-derivative pass permutes dY into dZ's
//    layout, so the permutations ride on passes needed anyway. With stride 1 and no
//    padding the columns are "wide" (see im2col_wide): a tap's row is one contiguous
//    stretch of the input plane, so im2col and col2im move one stretch per tap and sample.
//
// The batch is split into chunks of samples run on the compute threads (parallel.h): each
// chunk owns a block of columns of col, Z and dZ, and its own partial weight gradient,
// summed in chunk order after the region.
//
// Padding "same" follows Keras/TensorFlow: OH = ceil(H / stride), the total padding
// max((OH-1)*stride + kh - H, 0) is split with the extra row at the bottom/right.
#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "activation_function.h"
#include "glassbox/initializers.h"
#include "glassbox/parallel.h"
#include "glassbox/shape_check.h"
#include "layer_support.h"
#include "layers.h"
#include "reductions.h"
#include "simd.h"
#include "small_gemm.h"

namespace glassbox::layers {
namespace {

struct Geometry {
  std::size_t c = 0, h = 0, w = 0;      // input
  std::size_t kh = 0, kw = 0, sh = 1, sw = 1;
  std::size_t pad_top = 0, pad_left = 0;
  std::size_t oh = 0, ow = 0;           // output
  std::size_t taps() const { return c * kh * kw; }
  std::size_t positions() const { return oh * ow; }
};

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

// The columns of one sample x (C, H, W): col (taps, P) with row stride ld.
void im2col(const Geometry& g, const float* x, float* col, std::size_t ld) {
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

// dx (C, H, W) += col2im(dcol (taps, P), row stride ld) for one sample; dx must be
// zeroed by the caller.
void col2im(const Geometry& g, const float* dcol, std::size_t ld, float* dx) {
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

// Stride 1 without padding, the batch-level path computes "wide" positions p = oy*W + ox
// for every ox < W instead of OW (W - OW extra columns per output row, dropped in forward
// and given a zero gradient in backward). Then the row of tap (c, i, j) is one contiguous
// stretch of the input plane, from offset i*W + j: one copy of OH*W values instead of OH
// copies of OW. The last taps' stretches run past the plane by up to kw-1 values, which
// only wide columns read: they are zero-filled.
void im2col_wide(const Geometry& g, const float* x, float* col, std::size_t ld) {
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

// dx (C, H, W) += the wide dcol's contributions; the wide columns hold zeros.
void col2im_wide(const Geometry& g, const float* dcol, std::size_t ld, float* dx) {
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

class Conv2D final : public Layer {
 public:
  explicit Conv2D(const nlohmann::json& options) {
    apply_common_options(*this, "conv2d", options,
                         {"filters", "kernel_size", "strides", "padding", "activation", "use_bias",
                          "kernel_initializer", "bias_initializer"});
    filters_ = positive_int_option(*this, options, "filters", 0, true);
    kernel_size_ = pair_option(*this, options, "kernel_size", {0, 0}, true);
    strides_ = pair_option(*this, options, "strides", {1, 1}, false);
    padding_ = choice_option(*this, options, "padding", "valid", {"valid", "same"});
    activation_ = activation_from_string(choice_option(*this, options, "activation", "linear",
                                                 {"linear", "relu", "leaky_relu", "sigmoid", "tanh"}));
    use_bias_ = layer_option<bool>(*this, options, "use_bias", true);
    kernel_init_ = initializer_option(*this, options, "kernel_initializer", "glorot_uniform");
    bias_init_ = initializer_option(*this, options, "bias_initializer", "zeros");
  }

  std::string type() const override { return "conv2d"; }
  LayerKind kind() const override { return LayerKind::linear; }
  Activation activation() const override { return activation_; }

  Shape build(const Shape& input_shape, Rng& rng) override {
    if (input_shape.size() != 3) {
      throw ConfigError(label(*this) + ": expects images (channels, height, width), got " +
                        shape_to_string(input_shape) +
                        (input_shape.size() == 1 ? "; add a reshape layer, e.g. target_shape [1, H, W]" : ""));
    }
    (void)checked_element_count(input_shape, label(*this) + ": input");  // guards direct callers of build()
    Geometry g;
    g.c = input_shape[0];
    g.h = input_shape[1];
    g.w = input_shape[2];
    g.kh = kernel_size_.first;
    g.kw = kernel_size_.second;
    g.sh = strides_.first;
    g.sw = strides_.second;
    if (padding_ == "same") {
      g.oh = (g.h + g.sh - 1) / g.sh;
      g.ow = (g.w + g.sw - 1) / g.sw;
      const std::size_t ph = std::max<long>(static_cast<long>((g.oh - 1) * g.sh + g.kh) - static_cast<long>(g.h), 0);
      const std::size_t pw = std::max<long>(static_cast<long>((g.ow - 1) * g.sw + g.kw) - static_cast<long>(g.w), 0);
      g.pad_top = ph / 2;
      g.pad_left = pw / 2;
    } else {
      if (g.h < g.kh || g.w < g.kw) {
        throw ConfigError(label(*this) + ": kernel " + shape_to_string({g.kh, g.kw}) +
                          " is larger than the input " + shape_to_string(input_shape) +
                          " with padding 'valid'");
      }
      g.oh = (g.h - g.kh) / g.sh + 1;
      g.ow = (g.w - g.kw) / g.sw + 1;
    }
    geo_ = g;
    const std::size_t fan_in = g.taps(), fan_out = filters_ * g.kh * g.kw;
    check_parameter_budget({filters_, g.c, g.kh, g.kw}, label(*this) + " (" + std::to_string(filters_) + " filters)");
    kernel_ = Tensor::from_shape({filters_, g.c, g.kh, g.kw});
    kernel_grad_ = xt::zeros<float>({filters_, g.c, g.kh, g.kw});
    initialize(kernel_, kernel_init_, fan_in, fan_out, rng);
    if (use_bias_) {
      bias_ = Tensor::from_shape({filters_});
      bias_grad_ = xt::zeros<float>({filters_});
      initialize(bias_, bias_init_, fan_in, fan_out, rng);
    }
    output_ = Tensor();
    return {filters_, g.oh, g.ow};
  }

  const Tensor& forward(const Tensor& x, Mode mode) override {
    const Geometry& g = geo_;
    check_batch(*this, x, {g.c, g.h, g.w}, "forward");
    const std::size_t n = x.shape(0), P = g.positions(), NP = n * P, T = g.taps(), F = filters_;
    const std::size_t Pc = columns_per_sample(), NPc = n * Pc, row_stride = wide() ? g.w : g.ow;
    ensure_shape(col_, {T, thin() ? NP : NPc});
    ensure_shape(output_, {n, F, g.oh, g.ow});
    linear_forward_ = mode == Mode::linear;
    const Activation act = linear_forward_ ? Activation::linear : activation_;
    if (n == 0) return output_;
    const std::size_t in_sample = g.c * g.h * g.w;
    float* y = output_.data();
    const float* b = use_bias_ ? bias_.data() : nullptr;
    if (!thin()) ensure_shape(z_, {F, NPc});
    // Chunks of samples on the compute threads; each chunk's columns are a block of col and Z.
    parallel_for(n, sample_grain(), [&](std::size_t, std::size_t s0, std::size_t s1) {
      if (thin()) {
        // Per-sample blocks col_n (taps, P): each sample's rows are adjacent in memory,
        // which the kernels stream far better than rows N*P apart.
        for (std::size_t s = s0; s < s1; ++s) {
          float* col = col_.data() + s * T * P;
          im2col(g, x.data() + s * in_sample, col, P);
          gemm_small_mk(F, P, T, kernel_.data(), T, col, P, y + s * F * P, P, b, act == Activation::relu);
        }
        if (act != Activation::relu && act != Activation::linear)
          activation_forward(act, kFusedLeakyReluAlpha, y + s0 * F * P, (s1 - s0) * F, P);
        return;
      }
      for (std::size_t s = s0; s < s1; ++s) {
        if (wide()) {
          im2col_wide(g, x.data() + s * in_sample, col_.data() + s * Pc, NPc);
        } else {
          im2col(g, x.data() + s * in_sample, col_.data() + s * P, NP);
        }
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(F),
                  static_cast<int>((s1 - s0) * Pc), static_cast<int>(T), 1.0f, kernel_.data(),
                  static_cast<int>(T), col_.data() + s0 * Pc, static_cast<int>(NPc), 0.0f,
                  z_.data() + s0 * Pc, static_cast<int>(NPc));
      // Fused: bias, activation, the (F, N, P) -> (N, F, P) permutation (and dropping the
      // wide columns).
      const float* z = z_.data();
      for (std::size_t f = 0; f < F; ++f) {
        const float bf = b ? b[f] : 0.0f;
        for (std::size_t s = s0; s < s1; ++s) {
          for (std::size_t oy = 0; oy < g.oh; ++oy) {
            const float* zs = z + f * NPc + s * Pc + oy * row_stride;
            float* ys = y + (s * F + f) * P + oy * g.ow;
            if (act == Activation::relu) {
              for (std::size_t p = 0; p < g.ow; ++p) {
                const float v = zs[p] + bf;
                ys[p] = v > 0.0f ? v : 0.0f;
              }
            } else {
              for (std::size_t p = 0; p < g.ow; ++p) ys[p] = zs[p] + bf;
            }
          }
          if (act != Activation::relu && act != Activation::linear)
            activation_forward(act, kFusedLeakyReluAlpha, y + (s * F + f) * P, 1, P);
        }
      }
    });
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients which) override {
    check_grad(*this, grad_output, output_);
    const Geometry& g = geo_;
    const std::size_t n = grad_output.shape(0), P = g.positions(), NP = n * P, T = g.taps(),
                      F = filters_;
    ensure_shape(grad_input_, {n, g.c, g.h, g.w});
    const bool params = which != Gradients::input_only, inputs = which != Gradients::params_only;
    if (n == 0) {
      if (params) {
        std::fill(kernel_grad_.begin(), kernel_grad_.end(), 0.0f);
        if (use_bias_) std::fill(bias_grad_.begin(), bias_grad_.end(), 0.0f);
      }
      return grad_input_;
    }
    const Activation act = linear_forward_ ? Activation::linear : activation_;
    const bool thin_path = thin();
    const std::size_t in_sample = g.c * g.h * g.w;
    // Columns per sample: P for the per-sample kernels, wide or P for the sgemm path.
    const std::size_t Pc = thin_path ? P : columns_per_sample(), NPc = n * Pc;
    const std::size_t row_stride = !thin_path && wide() ? g.w : g.ow;
    ensure_shape(dz_, {F, NPc});
    if (thin_path && inputs) {
      // K^T (taps, F), so dcol_n = K^T . dZ_n is another thin product.
      ensure_shape(kernel_t_, {T, F});
      for (std::size_t f = 0; f < F; ++f)
        for (std::size_t t = 0; t < T; ++t) kernel_t_.data()[t * F + f] = kernel_.data()[f * T + t];
    }
    const std::size_t chunks = parallel_chunks(n, sample_grain());
    // Per-chunk partial weight and bias gradients, summed in chunk order afterwards.
    ensure_shape(partial_grad_, {chunks, F * T + F});
    if (inputs) ensure_shape(dcol_, thin_path ? Shape{chunks, T * P} : Shape{T, NPc});
    const float* go = grad_output.data();
    const float* y = output_.data();
    float* dz = dz_.data();
    parallel_for(n, sample_grain(), [&](std::size_t chunk, std::size_t s0, std::size_t s1) {
      // dZ = dY * act'(Y): in NCHW order for the per-sample kernels, in (F, N*Pc) order
      // (permuted on the way, zeros in the wide columns) for the batch-level sgemm.
      for (std::size_t s = s0; s < s1; ++s) {
        for (std::size_t f = 0; f < F; ++f) {
          float* d0 = thin_path ? dz + (s * F + f) * P : dz + f * NPc + s * Pc;
          for (std::size_t oy = 0; oy < g.oh; ++oy) {
            const float* gs = go + (s * F + f) * P + oy * g.ow;
            const float* ys = y + (s * F + f) * P + oy * g.ow;
            float* d = d0 + oy * row_stride;
            if (act == Activation::relu) {
              for (std::size_t p = 0; p < g.ow; ++p) d[p] = ys[p] > 0.0f ? gs[p] : 0.0f;
            } else {
              activation_backward(act, kFusedLeakyReluAlpha, ys, gs, d, 1, g.ow);
            }
            std::fill(d + g.ow, d + row_stride, 0.0f);
          }
        }
      }
      if (params) {
        float* dk = partial_grad_.data() + chunk * (F * T + F);
        float* db = dk + F * T;
        if (thin_path) {
          std::fill(dk, dk + F * T, 0.0f);
          for (std::size_t s = s0; s < s1; ++s)
            gemm_nt_accumulate(F, T, P, dz + s * F * P, P, col_.data() + s * T * P, P, dk, T);
        } else {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(F), static_cast<int>(T),
                      static_cast<int>((s1 - s0) * Pc), 1.0f, dz + s0 * Pc, static_cast<int>(NPc),
                      col_.data() + s0 * Pc, static_cast<int>(NPc), 0.0f, dk, static_cast<int>(T));
        }
        if (use_bias_) {
          // Both layouts hold each filter's values of a sample in one run of Pc.
          for (std::size_t f = 0; f < F; ++f) {
            float sum = 0.0f;
            for (std::size_t s = s0; s < s1; ++s)
              sum += vector_sum(thin_path ? dz + (s * F + f) * P : dz + f * NPc + s * Pc, Pc);
            db[f] = sum;
          }
        }
      }
      if (!inputs) return;
      float* dx = grad_input_.data();
      std::fill(dx + s0 * in_sample, dx + s1 * in_sample, 0.0f);
      if (thin_path) {
        // Each sample's dcol is scattered while it is still in cache.
        float* dcol = dcol_.data() + chunk * T * P;
        for (std::size_t s = s0; s < s1; ++s) {
          gemm_small_mk(T, P, F, kernel_t_.data(), F, dz + s * F * P, P, dcol, P, nullptr, false);
          col2im(g, dcol, P, dx + s * in_sample);
        }
      } else {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(T),
                    static_cast<int>((s1 - s0) * Pc), static_cast<int>(F), 1.0f, kernel_.data(),
                    static_cast<int>(T), dz + s0 * Pc, static_cast<int>(NPc), 0.0f, dcol_.data() + s0 * Pc,
                    static_cast<int>(NPc));
        for (std::size_t s = s0; s < s1; ++s) {
          if (wide()) {
            col2im_wide(g, dcol_.data() + s * Pc, NPc, dx + s * in_sample);
          } else {
            col2im(g, dcol_.data() + s * P, NP, dx + s * in_sample);
          }
        }
      }
    });
    if (params) {
      float* dk = kernel_grad_.data();
      const float* part = partial_grad_.data();
      std::copy(part, part + F * T, dk);
      if (use_bias_) std::copy(part + F * T, part + F * T + F, bias_grad_.data());
      for (std::size_t c = 1; c < chunks; ++c) {
        const float* pc = part + c * (F * T + F);
        for (std::size_t i = 0; i < F * T; ++i) dk[i] += pc[i];
        if (use_bias_)
          for (std::size_t f = 0; f < F; ++f) bias_grad_.data()[f] += pc[F * T + f];
      }
    }
    return grad_input_;
  }

  std::vector<ConstParamRef> list_params() const override {
    std::vector<ConstParamRef> p{{"kernel", ParamRole::weight, &kernel_, &kernel_grad_, true}};
    if (use_bias_) p.push_back({"bias", ParamRole::bias, &bias_, &bias_grad_, true});
    return p;
  }

  nlohmann::json config() const override {
    return {{"type", type()},
            {"name", name()},
            {"filters", filters_},
            {"kernel_size", {kernel_size_.first, kernel_size_.second}},
            {"strides", {strides_.first, strides_.second}},
            {"padding", padding_},
            {"activation", to_string(activation_)},
            {"use_bias", use_bias_},
            {"kernel_initializer", kernel_init_},
            {"bias_initializer", bias_init_}};
  }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2D>(*this); }

 private:
  std::size_t filters_ = 0;
  std::pair<std::size_t, std::size_t> kernel_size_, strides_;
  std::string padding_;
  Activation activation_ = Activation::linear;
  bool use_bias_ = true;
  std::string kernel_init_, bias_init_;
  Geometry geo_;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  // Few taps: the per-sample kernels beat OpenBLAS's packing (see the top of this file).
  bool thin() const { return geo_.taps() <= kThinTaps; }
  // Stride 1 without padding: the sgemm path's columns are wide (see im2col_wide).
  bool wide() const {
    const Geometry& g = geo_;
    return g.sh == 1 && g.sw == 1 && g.pad_top == 0 && g.pad_left == 0 && g.oh + g.kh - 1 == g.h &&
           g.ow + g.kw - 1 == g.w;
  }
  std::size_t columns_per_sample() const { return wide() ? geo_.oh * geo_.w : geo_.positions(); }
  static constexpr std::size_t kThinTaps = 32;
  // Samples per chunk so that a chunk has at least ~64k multiply-adds.
  std::size_t sample_grain() const {
    return std::max<std::size_t>(1, (std::size_t{1} << 16) / std::max<std::size_t>(filters_ * geo_.taps() * geo_.positions(), 1));
  }

  Scratch col_, z_, output_, dz_, kernel_t_, dcol_, partial_grad_, grad_input_;  // buffers reused across batches
  bool linear_forward_ = false;
};

}  // namespace

void register_conv2d(Registry& registry) {
  FactoryInfo info;
  info.name = "conv2d";
  info.description =
      "2-D convolution on NCHW images (N, C, H, W) -> (N, filters, OH, OW); kernel "
      "(filters, C, kh, kw) as in PyTorch, bias (filters).";
  info.parameters = {
      {"filters", param("int", nullptr, "number of output channels (required)")},
      {"kernel_size", param("int|list", nullptr, "kernel size: n or [height, width] (required)")},
      {"strides", param("int|list", 1, "stride: n or [height, width]")},
      {"padding", param_choice("valid", {"valid", "same"}, "'valid' (no padding) or 'same' (output = ceil(input / stride))")},
      {"activation", param_choice("linear", {"linear", "relu", "leaky_relu", "sigmoid", "tanh"}, "fused activation")},
      {"use_bias", param("bool", true, "add a bias per filter")},
      {"kernel_initializer", param_choice("glorot_uniform", initializer_names(), "kernel initializer")},
      {"bias_initializer", param_choice("zeros", initializer_names(), "bias initializer")},
  };
  info.origin = registry.origin();
  registry.layers.add(std::move(info), [](const nlohmann::json& o) { return std::make_unique<Conv2D>(o); });
}

}  // namespace glassbox::layers
