// Dense: y = f(x W + b), x of shape (N, in), kernel W (in, units), bias b (units).
// Forward is one sgemm plus one fused bias+activation pass; backward is one pass for the
// activation derivative and up to two sgemms (dW = x^T dz, dx = dz W^T). Each product is
// split into blocks of output columns run on the compute threads (parallel.h).
#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "activation_function.h"
#include "glassbox/initializers.h"
#include "glassbox/parallel.h"
#include "glassbox/shape_check.h"
#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

// Dense's options, described once: parsing, defaults, config() and the registry's schema.
const std::vector<OptionSpec>& dense_options() {
  static const std::vector<OptionSpec> options = with_linear_options(
      {{"units", "int", nullptr, 1, kUnbounded, "number of output units (required)", {}, true}},
      fused_activation_names(), "add a bias vector");
  return options;
}

class Dense final : public Layer {
 public:
  explicit Dense(const nlohmann::json& options)
      : values_(read_layer_options(*this, "dense", options, dense_options())),
        units_(values_.at("units").get<std::size_t>()),
        linear_(linear_options(values_)) {}

  std::string type() const override { return "dense"; }
  LayerKind kind() const override { return LayerKind::linear; }
  Activation activation() const override { return linear_.activation; }

  Shape build(const Shape& input_shape, Rng& rng) override {
    if (input_shape.size() != 1) {
      throw ConfigError(label(*this) + ": expects a flat input, got " +
                        shape_to_string(input_shape) + "; add a flatten layer");
    }
    in_ = input_shape[0];
    check_parameter_budget({in_, units_}, label(*this) + " (" + std::to_string(units_) + " units)");
    kernel_ = Tensor::from_shape({in_, units_});
    kernel_grad_ = xt::zeros<float>({in_, units_});
    initialize(kernel_, linear_.kernel_init, in_, units_, rng);
    if (linear_.use_bias) {
      bias_ = Tensor::from_shape({units_});
      bias_grad_ = xt::zeros<float>({units_});
      initialize(bias_, linear_.bias_init, in_, units_, rng);
    }
    output_ = Tensor();
    return {units_};
  }

  const Tensor& forward(const Tensor& x, Mode mode) override {
    check_batch(*this, x, {in_}, "forward");
    const std::size_t n = x.shape(0);
    ensure_shape(output_, {n, units_});
    ensure_shape(input_, {n, in_});
    std::copy(x.data(), x.data() + x.size(), input_.data());
    linear_forward_ = mode == Mode::linear;
    const Activation act = linear_forward_ ? Activation::linear : linear_.activation;
    if (n == 0) return output_;
    float* y = output_.data();
    const float* b = linear_.use_bias ? bias_.data() : nullptr;
    // Each chunk owns a block of output columns: its product and its bias+activation pass.
    const bool pointwise = act != Activation::softmax;
    parallel_for(units_, column_grain(n, in_), [&](std::size_t, std::size_t j0, std::size_t j1) {
      sgemm_columns(CblasNoTrans, CblasNoTrans, n, j1 - j0, in_, x.data(), in_, kernel_.data() + j0,
                    units_, y + j0, units_);
      for (std::size_t r = 0; r < n; ++r) {
        float* row = y + r * units_;
        if (act == Activation::relu) {  // the common case, fused into one pass
          for (std::size_t j = j0; j < j1; ++j) {
            const float z = row[j] + (b ? b[j] : 0.0f);
            row[j] = z > 0.0f ? z : 0.0f;
          }
          continue;
        }
        if (b)
          for (std::size_t j = j0; j < j1; ++j) row[j] += b[j];
        if (pointwise) activation_forward(act, kFusedLeakyReluAlpha, row + j0, 1, j1 - j0);
      }
    });
    if (!pointwise) activation_forward(act, kFusedLeakyReluAlpha, y, n, units_);
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients which) override {
    check_grad(*this, grad_output, output_);
    const std::size_t n = grad_output.shape(0);
    const float* dz = grad_output.data();
    if (!linear_forward_ && linear_.activation != Activation::linear) {
      ensure_shape(dz_, {n, units_});
      activation_backward(linear_.activation, kFusedLeakyReluAlpha, output_.data(), grad_output.data(),
                          dz_.data(), n, units_);
      dz = dz_.data();
    }
    if (which != Gradients::input_only) {
      // dW[:, j0:j1] = x^T dz[:, j0:j1] and db[j0:j1]: chunks own columns, no reduction.
      parallel_for(units_, column_grain(n, in_), [&](std::size_t, std::size_t j0, std::size_t j1) {
        if (n > 0) {
          sgemm_columns(CblasTrans, CblasNoTrans, in_, j1 - j0, n, input_.data(), in_, dz + j0, units_,
                        kernel_grad_.data() + j0, units_);
        } else {
          for (std::size_t i = 0; i < in_; ++i)
            std::fill(kernel_grad_.data() + i * units_ + j0, kernel_grad_.data() + i * units_ + j1, 0.0f);
        }
        if (linear_.use_bias) {
          float* db = bias_grad_.data();
          std::fill(db + j0, db + j1, 0.0f);
          for (std::size_t r = 0; r < n; ++r) {
            const float* row = dz + r * units_;
            for (std::size_t j = j0; j < j1; ++j) db[j] += row[j];
          }
        }
      });
    }
    ensure_shape(grad_input_, {n, in_});
    if (which == Gradients::params_only) return grad_input_;  // contents unspecified
    if (n > 0) {
      // dx[:, i0:i1] = dz W[i0:i1, :]^T
      parallel_for(in_, column_grain(n, units_), [&](std::size_t, std::size_t i0, std::size_t i1) {
        sgemm_columns(CblasNoTrans, CblasTrans, n, i1 - i0, units_, dz, units_,
                      kernel_.data() + i0 * units_, units_, grad_input_.data() + i0, in_);
      });
    }
    return grad_input_;
  }

  std::vector<ConstParamRef> list_params() const override {
    std::vector<ConstParamRef> p{{"kernel", ParamRole::weight, &kernel_, &kernel_grad_, true}};
    if (linear_.use_bias) p.push_back({"bias", ParamRole::bias, &bias_, &bias_grad_, true});
    return p;
  }

  nlohmann::json config() const override { return layer_config(*this, values_); }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }

 private:
  // C (m x cols) = op(A) (m x k) . op(B) (k x cols), row-major with explicit strides.
  static void sgemm_columns(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, std::size_t m, std::size_t cols,
                            std::size_t k, const float* a, std::size_t lda, const float* b,
                            std::size_t ldb, float* c, std::size_t ldc) {
    cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(m), static_cast<int>(cols),
                static_cast<int>(k), 1.0f, a, static_cast<int>(lda), b, static_cast<int>(ldb), 0.0f, c,
                static_cast<int>(ldc));
  }
  // Columns per chunk so that a chunk has at least ~64k multiply-adds (a few tens of
  // microseconds): smaller chunks would cost more to hand out than they save.
  static std::size_t column_grain(std::size_t rows, std::size_t depth) {
    return std::max<std::size_t>(16, (std::size_t{1} << 16) / std::max<std::size_t>(rows * depth, 1));
  }

  nlohmann::json values_;  // the options as read (dense_options())
  std::size_t units_ = 0;
  LinearOptions linear_;
  std::size_t in_ = 0;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  Scratch input_, output_, dz_, grad_input_;  // buffers reused across batches
  bool linear_forward_ = false;
};

}  // namespace

void register_dense(Registry& registry) {
  add_layer<Dense>(registry, "dense",
                   "Fully connected layer y = activation(x W + b) on flat inputs (N, in); kernel (in, units), "
                   "bias (units).",
                   dense_options());
}

}  // namespace glassbox::layers
