// GlobalAvgPool2D: (N, C, H, W) -> (N, C), the mean of each channel's plane. Linear.
#include "layer_support.h"
#include "layers.h"
#include "reductions.h"

namespace glassbox::layers {
namespace {

class GlobalAvgPool2D final : public OptionlessLayer {
 public:
  explicit GlobalAvgPool2D(const nlohmann::json& options) : OptionlessLayer("global_avg_pool2d", options) {}

  std::string type() const override { return "global_avg_pool2d"; }
  LayerKind kind() const override { return LayerKind::linear; }

  Shape build(const Shape& input_shape, Rng&) override {
    if (input_shape.size() != 3) {
      throw ConfigError(label(*this) + ": expects images (channels, height, width), got " +
                        shape_to_string(input_shape));
    }
    input_shape_ = input_shape;
    output_ = Tensor();
    return {input_shape[0]};
  }

  const Tensor& forward(const Tensor& x, Mode) override {
    check_batch(*this, x, input_shape_, "forward");
    const std::size_t n = x.shape(0), c = input_shape_[0], plane = input_shape_[1] * input_shape_[2];
    ensure_shape(output_, {n, c});
    const float scale = 1.0f / static_cast<float>(plane);
    for (std::size_t p = 0; p < n * c; ++p) {
      const float* src = x.data() + p * plane;
      output_.data()[p] = vector_sum(src, plane) * scale;
    }
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    check_grad(*this, grad_output, output_);
    const std::size_t n = grad_output.shape(0), c = input_shape_[0],
                      plane = input_shape_[1] * input_shape_[2];
    ensure_shape(grad_input_, batch_shape(n, input_shape_));
    const float scale = 1.0f / static_cast<float>(plane);
    for (std::size_t p = 0; p < n * c; ++p) {
      const float v = grad_output.data()[p] * scale;
      float* dst = grad_input_.data() + p * plane;
      for (std::size_t i = 0; i < plane; ++i) dst[i] = v;
    }
    return grad_input_;
  }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalAvgPool2D>(*this); }
};

}  // namespace

void register_global_avg_pool2d(Registry& registry) {
  add_layer<GlobalAvgPool2D>(registry, "global_avg_pool2d",
                             "Mean of each channel: (N, C, H, W) -> (N, C). Kind: linear.",
                             {});
}

}  // namespace glassbox::layers
