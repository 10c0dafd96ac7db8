// Dense: y = f(x W + b), x of shape (N, in), kernel W (in, units), bias b (units).
// Forward is one sgemm plus one fused bias+activation pass; backward is one pass for the
// activation derivative and up to two sgemms (dW = x^T dz, dx = dz W^T).
#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "activation_function.h"
#include "glassbox/initializers.h"
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
    activation_ = parse_activation(
        choice_option(*this, options, "activation", "linear", activation_names()));
    use_bias_ = layer_option<bool>(*this, options, "use_bias", true);
    kernel_init_ = initializer_option(*this, options, "kernel_initializer", "glorot_uniform");
    bias_init_ = initializer_option(*this, options, "bias_initializer", "zeros");
  }

  std::string type() const override { return "dense"; }
  LayerKind kind() const override { return LayerKind::linear; }
  std::string activation() const override { return activation_name(activation_); }

  Shape build(const Shape& input_shape, Rng& rng) override {
    if (input_shape.size() != 1) {
      throw ConfigError(label(*this) + ": expects a flat input, got " +
                        shape_to_string(input_shape) + "; add a flatten layer");
    }
    in_ = input_shape[0];
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
    float* y = output_.data();
    if (n > 0) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(n),
                  static_cast<int>(units_), static_cast<int>(in_), 1.0f, x.data(),
                  static_cast<int>(in_), kernel_.data(), static_cast<int>(units_), 0.0f, y,
                  static_cast<int>(units_));
    }
    linear_forward_ = mode == Mode::linear;
    const Activation act = linear_forward_ ? Activation::linear : activation_;
    if (use_bias_) {
      const float* b = bias_.data();
      if (act == Activation::relu) {
        // The common case, fused into one pass over the output.
        for (std::size_t r = 0; r < n; ++r) {
          float* row = y + r * units_;
          for (std::size_t j = 0; j < units_; ++j) {
            const float z = row[j] + b[j];
            row[j] = z > 0.0f ? z : 0.0f;
          }
        }
        return output_;
      }
      for (std::size_t r = 0; r < n; ++r) {
        float* row = y + r * units_;
        for (std::size_t j = 0; j < units_; ++j) row[j] += b[j];
      }
    }
    activation_forward(act, kFusedLeakyReluAlpha, y, n, units_);
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
    const int N = static_cast<int>(n), I = static_cast<int>(in_), U = static_cast<int>(units_);
    if (which != Gradients::input_only) {
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, I, U, N, 1.0f, input_.data(), I, dz, U,
                  0.0f, kernel_grad_.data(), U);
      if (use_bias_) {
        float* db = bias_grad_.data();
        std::fill(db, db + units_, 0.0f);
        for (std::size_t r = 0; r < n; ++r) {
          const float* row = dz + r * units_;
          for (std::size_t j = 0; j < units_; ++j) db[j] += row[j];
        }
      }
    }
    ensure_shape(grad_input_, {n, in_});
    if (which == Gradients::params_only) return grad_input_;  // contents unspecified
    if (n > 0) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, I, U, 1.0f, dz, U, kernel_.data(), U,
                  0.0f, grad_input_.data(), I);
    }
    return grad_input_;
  }

  std::vector<ParamRef> params() override {
    std::vector<ParamRef> p{{"kernel", &kernel_, &kernel_grad_, true}};
    if (use_bias_) p.push_back({"bias", &bias_, &bias_grad_, true});
    return p;
  }

  nlohmann::json config() const override {
    return {{"type", type()},
            {"name", name()},
            {"units", units_},
            {"activation", activation_name(activation_)},
            {"use_bias", use_bias_},
            {"kernel_initializer", kernel_init_},
            {"bias_initializer", bias_init_}};
  }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }

 private:
  std::size_t units_ = 0, in_ = 0;
  Activation activation_ = Activation::linear;
  bool use_bias_ = true;
  std::string kernel_init_, bias_init_;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  Tensor input_, output_, dz_, grad_input_;  // buffers reused across batches
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
      {"activation", param_choice("linear", activation_names(), "fused activation")},
      {"use_bias", param("bool", true, "add a bias vector")},
      {"kernel_initializer", param_choice("glorot_uniform", initializer_names(), "kernel initializer")},
      {"bias_initializer", param_choice("zeros", initializer_names(), "bias initializer")},
  };
  info.origin = registry.origin();
  registry.layers.add(std::move(info), [](const nlohmann::json& o) { return std::make_unique<Dense>(o); });
}

}  // namespace glassbox::layers
