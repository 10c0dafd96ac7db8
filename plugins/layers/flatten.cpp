// Flatten: (N, d1, d2, ...) -> (N, d1*d2*...), row-major, so NCHW flattens channel first
// (as PyTorch's flatten does).
#include <algorithm>

#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

class Flatten final : public Layer {
 public:
  explicit Flatten(const nlohmann::json& options) { apply_common_options(*this, "flatten", options, {}); }

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

  nlohmann::json config() const override { return {{"type", type()}, {"name", name()}}; }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }

 private:
  Shape input_shape_;
  Scratch output_, grad_input_;
};

}  // namespace

void register_flatten(Registry& registry) {
  FactoryInfo info;
  info.name = "flatten";
  info.description = "Flattens each sample to one axis: (N, C, H, W) -> (N, C*H*W), channel first.";
  info.origin = registry.origin();
  registry.layers.add(std::move(info), [](const nlohmann::json& o) { return std::make_unique<Flatten>(o); });
}

}  // namespace glassbox::layers
