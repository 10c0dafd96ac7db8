// BatchNormalization over the channel axis (axis 1): features of (N, F) inputs, channels of
// (N, C, H, W) inputs (statistics over N, H, W per channel).
//   train:      y = gamma * (x - mean_B) / sqrt(var_B + epsilon) + beta, with the batch's
//               mean and biased variance; then, Keras' meaning of momentum,
//               moving = momentum * moving + (1 - momentum) * batch statistic,
//               where the variance fed to moving_variance is the unbiased one (n / (n-1),
//               as PyTorch and Keras' fused kernel do), n = N*H*W.
//   inference:  the same with moving_mean / moving_variance: an affine map per channel,
//               which the explainers fold into the preceding linear layer.
// Parameters: gamma, beta (trainable), moving_mean, moving_variance (trainable = false).
#include <algorithm>
#include <cmath>

#include "glassbox/parallel.h"
#include "layer_support.h"
#include "layers.h"
#include "reductions.h"

namespace glassbox::layers {
namespace {

// Batch normalization's options, described once.
const std::vector<OptionSpec>& batch_normalization_options() {
  static const std::vector<OptionSpec> options = [] {
    OptionSpec epsilon{"epsilon", "float", 1e-3, 0, kUnbounded, "added to the variance"};
    epsilon.min_open = true;
    return std::vector<OptionSpec>{
        {"momentum", "float", 0.99, 0, 1, "moving = momentum * moving + (1 - momentum) * batch (Keras)"}, epsilon};
  }();
  return options;
}

class BatchNormalization final : public Layer {
 public:
  explicit BatchNormalization(const nlohmann::json& options)
      : values_(read_layer_options(*this, "batch_normalization", options, batch_normalization_options())) {
    momentum_ = values_.at("momentum").get<double>();
    epsilon_ = values_.at("epsilon").get<double>();
  }

  std::string type() const override { return "batch_normalization"; }
  LayerKind kind() const override { return LayerKind::normalization; }

  Shape build(const Shape& input_shape, Rng&) override {
    if (input_shape.empty())
      throw ConfigError(label(*this) + ": expects (features,) or (channels, ...) inputs, got ()");
    input_shape_ = input_shape;
    channels_ = input_shape[0];
    spatial_ = shape_size(input_shape) / channels_;
    gamma_ = xt::ones<float>({channels_});
    beta_ = xt::zeros<float>({channels_});
    moving_mean_ = xt::zeros<float>({channels_});
    moving_variance_ = xt::ones<float>({channels_});
    gamma_grad_ = xt::zeros<float>({channels_});
    beta_grad_ = xt::zeros<float>({channels_});
    moving_mean_grad_ = xt::zeros<float>({channels_});
    moving_variance_grad_ = xt::zeros<float>({channels_});
    inv_std_.assign(channels_, 1.0f);
    output_ = Tensor();
    return input_shape;
  }

  const Tensor& forward(const Tensor& x, Mode mode) override {
    check_batch(*this, x, input_shape_, "forward");
    const std::size_t n = x.shape(0), C = channels_, M = spatial_;
    ensure_shape(output_, shape_of(x));
    ensure_shape(xhat_, shape_of(x));
    batch_statistics_ = mode == Mode::train && n > 0;
    const float* in = x.data();
    float* xh = xhat_.data();
    float* y = output_.data();
    // Channels are independent: chunks of channels on the compute threads (the result does
    // not depend on the split).
    parallel_for(C, channel_grain(n), [&](std::size_t, std::size_t c0, std::size_t c1) {
    for (std::size_t c = c0; c < c1; ++c) {
      float mean, inv_std;
      if (batch_statistics_) {
        const double count = static_cast<double>(n * M);
        // Float vector sums per sample, accumulated in double across samples.
        double sum = 0.0;
        for (std::size_t s = 0; s < n; ++s) sum += vector_sum(in + (s * C + c) * M, M);
        const double mu = sum / count;
        double sq = 0.0;  // two passes: no cancellation from E[x^2] - E[x]^2
        for (std::size_t s = 0; s < n; ++s)
          sq += vector_squared_deviation(in + (s * C + c) * M, static_cast<float>(mu), M);
        const double var = sq / count;
        mean = static_cast<float>(mu);
        inv_std = static_cast<float>(1.0 / std::sqrt(var + epsilon_));
        const double unbiased = count > 1 ? var * count / (count - 1) : var;
        float& mm = moving_mean_.data()[c];
        float& mv = moving_variance_.data()[c];
        mm = static_cast<float>(momentum_ * mm + (1.0 - momentum_) * mu);
        mv = static_cast<float>(momentum_ * mv + (1.0 - momentum_) * unbiased);
      } else {
        mean = moving_mean_.data()[c];
        inv_std = static_cast<float>(1.0 / std::sqrt(static_cast<double>(moving_variance_.data()[c]) + epsilon_));
      }
      inv_std_[c] = inv_std;
      const float g = gamma_.data()[c], b = beta_.data()[c];
      for (std::size_t s = 0; s < n; ++s) {
        const std::size_t off = (s * C + c) * M;
        for (std::size_t m = 0; m < M; ++m) {
          const float h = (in[off + m] - mean) * inv_std;
          xh[off + m] = h;
          y[off + m] = g * h + b;
        }
      }
    }
    });
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients which) override {
    check_grad(*this, grad_output, output_);
    const std::size_t n = grad_output.shape(0), C = channels_, M = spatial_;
    ensure_shape(grad_input_, shape_of(grad_output));
    const float* go = grad_output.data();
    const float* xh = xhat_.data();
    float* gi = grad_input_.data();
    const double count = static_cast<double>(n * M);
    parallel_for(C, channel_grain(n), [&](std::size_t, std::size_t c0, std::size_t c1) {
    for (std::size_t c = c0; c < c1; ++c) {
      double sum_g = 0.0, sum_gx = 0.0;
      for (std::size_t s = 0; s < n; ++s) {
        const std::size_t off = (s * C + c) * M;
        sum_g += vector_sum(go + off, M);
        sum_gx += vector_dot(go + off, xh + off, M);
      }
      if (which != Gradients::input_only) {
        gamma_grad_.data()[c] = static_cast<float>(sum_gx);
        beta_grad_.data()[c] = static_cast<float>(sum_g);
      }
      const float scale = gamma_.data()[c] * inv_std_[c];
      if (batch_statistics_) {
        // d/dx of the batch-normalised output: the mean and variance depend on x too.
        const float mg = static_cast<float>(sum_g / count), mgx = static_cast<float>(sum_gx / count);
        for (std::size_t s = 0; s < n; ++s) {
          const std::size_t off = (s * C + c) * M;
          for (std::size_t m = 0; m < M; ++m)
            gi[off + m] = scale * (go[off + m] - mg - xh[off + m] * mgx);
        }
      } else {
        for (std::size_t s = 0; s < n; ++s) {
          const std::size_t off = (s * C + c) * M;
          for (std::size_t m = 0; m < M; ++m) gi[off + m] = scale * go[off + m];
        }
      }
    }
    });
    return grad_input_;
  }

  std::vector<ConstParamRef> list_params() const override {
    return {{"gamma", ParamRole::scale, &gamma_, &gamma_grad_, true},
            {"beta", ParamRole::shift, &beta_, &beta_grad_, true},
            {"moving_mean", ParamRole::running_mean, &moving_mean_, &moving_mean_grad_, false},
            {"moving_variance", ParamRole::running_variance, &moving_variance_, &moving_variance_grad_, false}};
  }

  nlohmann::json config() const override { return layer_config(*this, values_); }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<BatchNormalization>(*this); }


 private:
  // Channels per chunk: at least ~16k values.
  std::size_t channel_grain(std::size_t n) const {
    return std::max<std::size_t>(1, 16384 / std::max<std::size_t>(n * spatial_, 1));
  }
  nlohmann::json values_;  // the options as read (batch_normalization_options())
  double momentum_ = 0.99, epsilon_ = 1e-3;
  Shape input_shape_;
  std::size_t channels_ = 0, spatial_ = 1;
  Tensor gamma_, beta_, moving_mean_, moving_variance_;
  Tensor gamma_grad_, beta_grad_, moving_mean_grad_, moving_variance_grad_;
  Scratch output_, xhat_, grad_input_;
  std::vector<float> inv_std_;  // per channel, of the last forward
  bool batch_statistics_ = false;
};

}  // namespace

void register_batch_normalization(Registry& registry) {
  add_layer<BatchNormalization>(registry, "batch_normalization",
                                "Normalises each channel (axis 1) with batch statistics in training and moving "
                                "statistics at inference; gamma/beta trainable.",
                                batch_normalization_options());
}

}  // namespace glassbox::layers
