// Flatten: (N, d1, d2, ...) -> (N, d1*d2*...), row-major, so NCHW flattens channel first
// (as PyTorch's flatten does).
#include <algorithm>

#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

class Flatten final : public OptionlessLayer {
 public:
  explicit Flatten(const nlohmann::json& options) : OptionlessLayer("flatten", options) {}

  std::string type() const override { return "flatten"; }
  LayerKind kind() const override { return LayerKind::reshape; }

  Shape build(const Shape& input_shape, Rng&) override {
    input_shape_ = input_shape;
    output_ = Tensor();
    return {shape_size(input_shape)};
  }

  const Tensor& forward(const Tensor& x, Mode) override {
    check_batch(*this, x, input_shape_, "forward");
    ensure_shape(output_, {x.shape(0), shape_size(input_shape_)});
    std::copy(x.data(), x.data() + x.size(), output_.data());
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    check_grad(*this, grad_output, output_);
    ensure_shape(grad_input_, batch_shape(grad_output.shape(0), input_shape_));
    std::copy(grad_output.data(), grad_output.data() + grad_output.size(), grad_input_.data());
    return grad_input_;
  }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }
};

}  // namespace

void register_flatten(Registry& registry) {
  add_layer<Flatten>(registry, "flatten",
                     "Flattens each sample to one axis: (N, C, H, W) -> (N, C*H*W), channel first.",
                     {});
}

}  // namespace glassbox::layers
