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

#include "activation_function.h"
#include "glassbox/initializers.h"
#include "glassbox/parallel.h"
#include "glassbox/shape_check.h"
#include "im2col.h"
#include "layer_support.h"
#include "layers.h"
#include "reductions.h"
#include "small_gemm.h"

namespace glassbox::layers {
namespace {

// Conv2D's options, described once: parsing, defaults, config() and the registry's schema.
// The fused activations are dense's but softmax (a softmax over channels is a layer of
// its own).
const std::vector<OptionSpec>& conv2d_options() {
  static const std::vector<OptionSpec> options = [] {
    OptionSpec padding{"padding", "string", "valid", -kUnbounded, kUnbounded,
                       "'valid' (no padding) or 'same' (output = ceil(input / stride))", {"valid", "same"}};
    std::vector<std::string> activations;
    for (const std::string& a : fused_activation_names())
      if (a != to_string(Activation::softmax)) activations.push_back(a);
    return with_linear_options(
        {{"filters", "int", nullptr, 1, kUnbounded, "number of output channels (required)", {}, true},
         {"kernel_size", "int|list", nullptr, 1, kUnbounded, "kernel size: n or [height, width] (required)", {}, true},
         {"strides", "int|list", 1, 1, kUnbounded, "stride: n or [height, width]"},
         padding},
        activations, "add a bias per filter");
  }();
  return options;
}

class Conv2D final : public Layer {
 public:
  explicit Conv2D(const nlohmann::json& options)
      : values_(read_layer_options(*this, "conv2d", options, conv2d_options())),
        filters_(values_.at("filters").get<std::size_t>()),
        kernel_size_(size_pair(values_.at("kernel_size"))),
        strides_(size_pair(values_.at("strides"))),
        padding_(values_.at("padding").get<std::string>()),
        linear_(linear_options(values_)) {}

  std::string type() const override { return "conv2d"; }
  LayerKind kind() const override { return LayerKind::linear; }
  Activation activation() const override { return linear_.activation; }

  Shape build(const Shape& input_shape, Rng& rng) override {
    if (input_shape.size() != 3) {
      throw ConfigError(label(*this) + ": expects images (channels, height, width), got " +
                        shape_to_string(input_shape) +
                        (input_shape.size() == 1 ? "; add a reshape layer, e.g. target_shape [1, H, W]" : ""));
    }
    (void)checked_element_count(input_shape, label(*this) + ": input");  // guards direct callers of build()
    ConvGeometry g;
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
    initialize(kernel_, linear_.kernel_init, fan_in, fan_out, rng);
    if (linear_.use_bias) {
      bias_ = Tensor::from_shape({filters_});
      bias_grad_ = xt::zeros<float>({filters_});
      initialize(bias_, linear_.bias_init, fan_in, fan_out, rng);
    }
    output_ = Tensor();
    return {filters_, g.oh, g.ow};
  }

  const Tensor& forward(const Tensor& x, Mode mode) override {
    const ConvGeometry& g = geo_;
    check_batch(*this, x, {g.c, g.h, g.w}, "forward");
    const Pass f = pass(x.shape(0), thin());
    ensure_shape(col_, {f.T, f.thin ? f.n * f.P : f.NPc});
    ensure_shape(output_, {f.n, f.F, g.oh, g.ow});
    linear_forward_ = mode == Mode::linear;
    const Activation act = linear_forward_ ? Activation::linear : linear_.activation;
    if (f.n == 0) return output_;
    if (!f.thin) ensure_shape(z_, {f.F, f.NPc});
    // Chunks of samples on the compute threads; each chunk's columns are a block of col and Z.
    parallel_for(f.n, sample_grain(), [&](std::size_t, std::size_t s0, std::size_t s1) {
      if (f.thin) forward_thin(f, act, x.data(), s0, s1);
      else forward_sgemm(f, act, x.data(), s0, s1);
    });
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients which) override {
    check_grad(*this, grad_output, output_);
    const ConvGeometry& g = geo_;
    Pass b = pass(grad_output.shape(0), thin());
    ensure_shape(grad_input_, {b.n, g.c, g.h, g.w});
    b.params = which != Gradients::input_only;
    b.inputs = which != Gradients::params_only;
    if (b.n == 0) {
      if (b.params) {
        std::fill(kernel_grad_.begin(), kernel_grad_.end(), 0.0f);
        if (linear_.use_bias) std::fill(bias_grad_.begin(), bias_grad_.end(), 0.0f);
      }
      return grad_input_;
    }
    b.act = linear_forward_ ? Activation::linear : linear_.activation;
    ensure_shape(dz_, {b.F, b.NPc});
    if (b.thin && b.inputs) {
      // K^T (taps, F), so dcol_n = K^T . dZ_n is another thin product.
      ensure_shape(kernel_t_, {b.T, b.F});
      for (std::size_t f = 0; f < b.F; ++f)
        for (std::size_t t = 0; t < b.T; ++t) kernel_t_.data()[t * b.F + f] = kernel_.data()[f * b.T + t];
    }
    const std::size_t chunks = parallel_chunks(b.n, sample_grain());
    // Per-chunk partial weight and bias gradients, summed in chunk order afterwards.
    ensure_shape(partial_grad_, {chunks, b.F * b.T + b.F});
    if (b.inputs) ensure_shape(dcol_, b.thin ? Shape{chunks, b.T * b.P} : Shape{b.T, b.NPc});
    parallel_for(b.n, sample_grain(), [&](std::size_t chunk, std::size_t s0, std::size_t s1) {
      activation_grad(b, grad_output.data(), s0, s1);
      if (b.params) weight_grad(b, chunk, s0, s1);
      if (b.inputs) input_grad(b, chunk, s0, s1);
    });
    if (b.params) sum_partial_grads(b, chunks);
    return grad_input_;
  }

  std::vector<ConstParamRef> list_params() const override {
    std::vector<ConstParamRef> p{{"kernel", ParamRole::weight, &kernel_, &kernel_grad_, true}};
    if (linear_.use_bias) p.push_back({"bias", ParamRole::bias, &bias_, &bias_grad_, true});
    return p;
  }

  nlohmann::json config() const override { return layer_config(*this, values_); }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2D>(*this); }

 private:
  nlohmann::json values_;  // the options as read (conv2d_options())
  std::size_t filters_ = 0;
  std::pair<std::size_t, std::size_t> kernel_size_, strides_;
  std::string padding_;
  LinearOptions linear_;
  ConvGeometry geo_;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  // Few taps: the per-sample kernels beat OpenBLAS's packing (see the top of this file).
  bool thin() const { return geo_.taps() <= kThinTaps; }
  // Stride 1 without padding: the sgemm path's columns are wide (see im2col_wide).
  bool wide() const {
    const ConvGeometry& g = geo_;
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

  // The sizes of one pass over a batch of n samples. Columns per sample Pc: P for the
  // per-sample kernels (thin), wide or P for the sgemm path.
  struct Pass {
    std::size_t n, P, T, F, Pc, NPc, row_stride, in_sample;
    bool thin;
    Activation act = Activation::linear;       // backward: the activation to differentiate
    bool params = true, inputs = true;         // backward: which gradients
  };
  Pass pass(std::size_t n, bool thin_path) const {
    const ConvGeometry& g = geo_;
    Pass p{n, g.positions(), g.taps(), filters_, 0, 0, 0, g.c * g.h * g.w, thin_path};
    p.Pc = thin_path ? p.P : columns_per_sample();
    p.NPc = n * p.Pc;
    p.row_stride = !thin_path && wide() ? g.w : g.ow;
    return p;
  }

  // Samples [s0, s1) through the per-sample kernels: col_n (taps, P) blocks, each sample's
  // rows adjacent in memory (which the kernels stream far better than rows N*P apart),
  // bias and ReLU in the GEMM's epilogue, results straight in NCHW order.
  void forward_thin(const Pass& f, Activation act, const float* x, std::size_t s0, std::size_t s1) {
    const float* b = linear_.use_bias ? bias_.data() : nullptr;
    float* y = output_.data();
    for (std::size_t s = s0; s < s1; ++s) {
      float* col = col_.data() + s * f.T * f.P;
      im2col(geo_, x + s * f.in_sample, col, f.P);
      gemm_small_mk(f.F, f.P, f.T, kernel_.data(), f.T, col, f.P, y + s * f.F * f.P, f.P, b, act == Activation::relu);
    }
    if (act != Activation::relu && act != Activation::linear)
      activation_forward(act, kFusedLeakyReluAlpha, y + s0 * f.F * f.P, (s1 - s0) * f.F, f.P);
  }

  // Samples [s0, s1) through one sgemm on their block of col, then the fused bias,
  // activation and (F, N, P) -> (N, F, P) permutation (dropping the wide columns).
  void forward_sgemm(const Pass& f, Activation act, const float* x, std::size_t s0, std::size_t s1) {
    const ConvGeometry& g = geo_;
    for (std::size_t s = s0; s < s1; ++s) {
      if (wide()) im2col_wide(g, x + s * f.in_sample, col_.data() + s * f.Pc, f.NPc);
      else im2col(g, x + s * f.in_sample, col_.data() + s * f.P, f.n * f.P);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(f.F), static_cast<int>((s1 - s0) * f.Pc),
                static_cast<int>(f.T), 1.0f, kernel_.data(), static_cast<int>(f.T), col_.data() + s0 * f.Pc,
                static_cast<int>(f.NPc), 0.0f, z_.data() + s0 * f.Pc, static_cast<int>(f.NPc));
    const float* b = linear_.use_bias ? bias_.data() : nullptr;
    const float* z = z_.data();
    float* y = output_.data();
    for (std::size_t c = 0; c < f.F; ++c) {
      const float bf = b ? b[c] : 0.0f;
      for (std::size_t s = s0; s < s1; ++s) {
        for (std::size_t oy = 0; oy < g.oh; ++oy) {
          const float* zs = z + c * f.NPc + s * f.Pc + oy * f.row_stride;
          float* ys = y + (s * f.F + c) * f.P + oy * g.ow;
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
          activation_forward(act, kFusedLeakyReluAlpha, y + (s * f.F + c) * f.P, 1, f.P);
      }
    }
  }

  // dZ = dY * act'(Y) for samples [s0, s1): in NCHW order for the per-sample kernels, in
  // (F, N*Pc) order (permuted on the way, zeros in the wide columns) for the sgemm path.
  void activation_grad(const Pass& b, const float* go, std::size_t s0, std::size_t s1) {
    const ConvGeometry& g = geo_;
    const float* y = output_.data();
    float* dz = dz_.data();
    for (std::size_t s = s0; s < s1; ++s) {
      for (std::size_t f = 0; f < b.F; ++f) {
        float* d0 = b.thin ? dz + (s * b.F + f) * b.P : dz + f * b.NPc + s * b.Pc;
        for (std::size_t oy = 0; oy < g.oh; ++oy) {
          const float* gs = go + (s * b.F + f) * b.P + oy * g.ow;
          const float* ys = y + (s * b.F + f) * b.P + oy * g.ow;
          float* d = d0 + oy * b.row_stride;
          if (b.act == Activation::relu) {
            for (std::size_t p = 0; p < g.ow; ++p) d[p] = ys[p] > 0.0f ? gs[p] : 0.0f;
          } else {
            activation_backward(b.act, kFusedLeakyReluAlpha, ys, gs, d, 1, g.ow);
          }
          std::fill(d + g.ow, d + b.row_stride, 0.0f);
        }
      }
    }
  }

  // This chunk's partial dK = dZ . col^T and db = sums of dZ over samples [s0, s1).
  void weight_grad(const Pass& b, std::size_t chunk, std::size_t s0, std::size_t s1) {
    const std::size_t F = b.F, T = b.T;
    const float* dz = dz_.data();
    float* dk = partial_grad_.data() + chunk * (F * T + F);
    float* db = dk + F * T;
    if (b.thin) {
      std::fill(dk, dk + F * T, 0.0f);
      for (std::size_t s = s0; s < s1; ++s)
        gemm_nt_accumulate(F, T, b.P, dz + s * F * b.P, b.P, col_.data() + s * T * b.P, b.P, dk, T);
    } else {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(F), static_cast<int>(T),
                  static_cast<int>((s1 - s0) * b.Pc), 1.0f, dz + s0 * b.Pc, static_cast<int>(b.NPc),
                  col_.data() + s0 * b.Pc, static_cast<int>(b.NPc), 0.0f, dk, static_cast<int>(T));
    }
    if (!linear_.use_bias) return;
    // Both layouts hold each filter's values of a sample in one run of Pc.
    for (std::size_t f = 0; f < F; ++f) {
      float sum = 0.0f;
      for (std::size_t s = s0; s < s1; ++s)
        sum += vector_sum(b.thin ? dz + (s * F + f) * b.P : dz + f * b.NPc + s * b.Pc, b.Pc);
      db[f] = sum;
    }
  }

  // dx of samples [s0, s1): dcol = K^T . dZ scattered back with col2im.
  void input_grad(const Pass& b, std::size_t chunk, std::size_t s0, std::size_t s1) {
    const ConvGeometry& g = geo_;
    const float* dz = dz_.data();
    float* dx = grad_input_.data();
    std::fill(dx + s0 * b.in_sample, dx + s1 * b.in_sample, 0.0f);
    if (b.thin) {
      // Each sample's dcol is scattered while it is still in cache.
      float* dcol = dcol_.data() + chunk * b.T * b.P;
      for (std::size_t s = s0; s < s1; ++s) {
        gemm_small_mk(b.T, b.P, b.F, kernel_t_.data(), b.F, dz + s * b.F * b.P, b.P, dcol, b.P, nullptr, false);
        col2im(g, dcol, b.P, dx + s * b.in_sample);
      }
      return;
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(b.T), static_cast<int>((s1 - s0) * b.Pc),
                static_cast<int>(b.F), 1.0f, kernel_.data(), static_cast<int>(b.T), dz + s0 * b.Pc,
                static_cast<int>(b.NPc), 0.0f, dcol_.data() + s0 * b.Pc, static_cast<int>(b.NPc));
    for (std::size_t s = s0; s < s1; ++s) {
      if (wide()) col2im_wide(g, dcol_.data() + s * b.Pc, b.NPc, dx + s * b.in_sample);
      else col2im(g, dcol_.data() + s * b.P, b.n * b.P, dx + s * b.in_sample);
    }
  }

  // kernel_grad_ and bias_grad_: the chunks' partial gradients summed in chunk order.
  void sum_partial_grads(const Pass& b, std::size_t chunks) {
    const std::size_t F = b.F, T = b.T;
    float* dk = kernel_grad_.data();
    const float* part = partial_grad_.data();
    std::copy(part, part + F * T, dk);
    if (linear_.use_bias) std::copy(part + F * T, part + F * T + F, bias_grad_.data());
    for (std::size_t c = 1; c < chunks; ++c) {
      const float* pc = part + c * (F * T + F);
      for (std::size_t i = 0; i < F * T; ++i) dk[i] += pc[i];
      if (linear_.use_bias)
        for (std::size_t f = 0; f < F; ++f) bias_grad_.data()[f] += pc[F * T + f];
    }
  }
};

}  // namespace

void register_conv2d(Registry& registry) {
  add_layer<Conv2D>(registry, "conv2d",
                    "2-D convolution on NCHW images (N, C, H, W) -> (N, filters, OH, OW); kernel "
                    "(filters, C, kh, kw) as in PyTorch, bias (filters).",
                    conv2d_options());
}

}  // namespace glassbox::layers
