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

class Dense final : public Layer {
 public:
  explicit Dense(const nlohmann::json& options) {
    apply_common_options(*this, "dense", options,
                         {"units", "activation", "use_bias", "kernel_initializer",
                          "bias_initializer"});
    units_ = positive_int_option(*this, options, "units", 0, true);
    activation_ = activation_from_string(
        choice_option(*this, options, "activation", "linear", fused_activation_names()));
    use_bias_ = layer_option<bool>(*this, options, "use_bias", true);
    kernel_init_ = initializer_option(*this, options, "kernel_initializer", "glorot_uniform");
    bias_init_ = initializer_option(*this, options, "bias_initializer", "zeros");
  }

  std::string type() const override { return "dense"; }
  LayerKind kind() const override { return LayerKind::linear; }
  Activation activation() const override { return activation_; }

  Shape build(const Shape& input_shape, Rng& rng) override {
    if (input_shape.size() != 1) {
      throw ConfigError(label(*this) + ": expects a flat input, got " +
                        shape_to_string(input_shape) + "; add a flatten layer");
    }
    in_ = input_shape[0];
    check_parameter_budget({in_, units_}, label(*this) + " (" + std::to_string(units_) + " units)");
    kernel_ = Tensor::from_shape({in_, units_});
    kernel_grad_ = xt::zeros<float>({in_, units_});
    initialize(kernel_, kernel_init_, in_, units_, rng);
    if (use_bias_) {
      bias_ = Tensor::from_shape({units_});
      bias_grad_ = xt::zeros<float>({units_});
      initialize(bias_, bias_init_, in_, units_, rng);
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
    const Activation act = linear_forward_ ? Activation::linear : activation_;
    if (n == 0) return output_;
    float* y = output_.data();
    const float* b = use_bias_ ? bias_.data() : nullptr;
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
    if (!linear_forward_ && activation_ != Activation::linear) {
      ensure_shape(dz_, {n, units_});
      activation_backward(activation_, kFusedLeakyReluAlpha, output_.data(), grad_output.data(),
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
        if (use_bias_) {
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
    if (use_bias_) p.push_back({"bias", ParamRole::bias, &bias_, &bias_grad_, true});
    return p;
  }

  nlohmann::json config() const override {
    return {{"type", type()},
            {"name", name()},
            {"units", units_},
            {"activation", to_string(activation_)},
            {"use_bias", use_bias_},
            {"kernel_initializer", kernel_init_},
            {"bias_initializer", bias_init_}};
  }

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

  std::size_t units_ = 0, in_ = 0;
  Activation activation_ = Activation::linear;
  bool use_bias_ = true;
  std::string kernel_init_, bias_init_;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  Scratch input_, output_, dz_, grad_input_;  // buffers reused across batches
  bool linear_forward_ = false;
};

}  // namespace

void register_dense(Registry& registry) {
  FactoryInfo info;
  info.name = "dense";
  info.description =
      "Fully connected layer y = activation(x W + b) on flat inputs (N, in); kernel (in, units), "
      "bias (units).";
  info.parameters = {
      {"units", param("int", nullptr, "number of output units (required)")},
      {"activation", param_choice("linear", fused_activation_names(), "fused activation")},
      {"use_bias", param("bool", true, "add a bias vector")},
      {"kernel_initializer", param_choice("glorot_uniform", initializer_names(), "kernel initializer")},
      {"bias_initializer", param_choice("zeros", initializer_names(), "bias initializer")},
  };
  info.origin = registry.origin();
  registry.layers.add(std::move(info), [](const nlohmann::json& o) { return std::make_unique<Dense>(o); });
}

}  // namespace glassbox::layers
