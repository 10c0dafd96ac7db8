// Standalone activation layers: relu, leaky_relu, sigmoid, tanh, softmax, linear.
// Pointwise on any input shape; softmax normalises over the last axis (Keras' axis=-1).
// Mode::linear does not switch them off: it concerns the activations fused into
// dense/conv2d only, so a network run in Mode::linear still computes its own function.
#include <algorithm>

#include "activation_function.h"
#include "glassbox/parallel.h"
#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

// An activation layer's options, described once: leaky_relu's alpha, none for the others.
const std::vector<OptionSpec>& activation_options(Activation activation) {
  static const std::vector<OptionSpec> leaky = {
      {"alpha", "float", 0.01, 0, kUnbounded, "slope for negative inputs (>= 0)"}};
  static const std::vector<OptionSpec> none;
  return activation == Activation::leaky_relu ? leaky : none;
}

class ActivationLayer final : public Layer {
 public:
  ActivationLayer(Activation activation, const nlohmann::json& options)
      : activation_(activation),
        values_(read_layer_options(*this, to_string(activation), options, activation_options(activation))) {
    if (values_.contains("alpha")) alpha_ = values_.at("alpha").get<float>();
  }

  std::string type() const override { return to_string(activation_); }
  LayerKind kind() const override {
    return activation_ == Activation::softmax ? LayerKind::softmax : LayerKind::activation;
  }
  Activation activation() const override { return activation_; }

  Shape build(const Shape& input_shape, Rng&) override {
    if (activation_ == Activation::softmax && input_shape.empty())
      throw ConfigError(label(*this) + ": softmax needs at least one feature axis");
    input_shape_ = input_shape;
    output_ = Tensor();
    return input_shape;
  }

  const Tensor& forward(const Tensor& x, Mode) override {
    check_batch(*this, x, input_shape_, "forward");
    ensure_shape(output_, shape_of(x));
    // Plain locals, not a structured binding: a C++17 lambda cannot capture one (clang refuses).
    const std::size_t rows = layout(x).first, cols = layout(x).second;
    // Chunks of whole rows (a softmax row stays in one chunk) on the compute threads.
    parallel_for(rows, row_grain(cols), [&](std::size_t, std::size_t r0, std::size_t r1) {
      std::copy(x.data() + r0 * cols, x.data() + r1 * cols, output_.data() + r0 * cols);
      activation_forward(activation_, alpha_, output_.data() + r0 * cols, r1 - r0, cols);
    });
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    check_grad(*this, grad_output, output_);
    ensure_shape(grad_input_, shape_of(grad_output));
    const std::size_t rows = layout(grad_output).first, cols = layout(grad_output).second;
    parallel_for(rows, row_grain(cols), [&](std::size_t, std::size_t r0, std::size_t r1) {
      activation_backward(activation_, alpha_, output_.data() + r0 * cols, grad_output.data() + r0 * cols,
                          grad_input_.data() + r0 * cols, r1 - r0, cols);
    });
    return grad_input_;
  }

  nlohmann::json config() const override { return layer_config(*this, values_); }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<ActivationLayer>(*this); }

 private:
  // Rows per chunk: at least ~32k values (a pointwise pass over fewer is cheaper than the
  // hand-over).
  static std::size_t row_grain(std::size_t cols) { return std::max<std::size_t>(1, 32768 / std::max<std::size_t>(cols, 1)); }
  // Softmax rows are the last axis; for pointwise functions any split will do.
  std::pair<std::size_t, std::size_t> layout(const Tensor& t) const {
    const std::size_t cols = t.dimension() > 1 ? t.shape(t.dimension() - 1) : 1;
    return {cols == 0 ? 0 : t.size() / cols, cols};
  }

  Activation activation_;
  nlohmann::json values_;  // the options as read (activation_options())
  float alpha_ = 0.01f;
  Shape input_shape_;
  Scratch output_, grad_input_;
};

void add(Registry& registry, Activation a, const std::string& description) {
  add_layer(registry, to_string(a), description, activation_options(a),
            [a](const nlohmann::json& o) { return std::make_unique<ActivationLayer>(a, o); });
}

}  // namespace

void register_activation_layers(Registry& registry) {
  add(registry, Activation::relu, "Rectified linear unit max(0, x), pointwise.");
  add(registry, Activation::leaky_relu, "Leaky ReLU: x for x > 0, alpha * x otherwise.");
  add(registry, Activation::sigmoid, "Logistic sigmoid 1 / (1 + e^-x), pointwise.");
  add(registry, Activation::tanh, "Hyperbolic tangent, pointwise.");
  add(registry, Activation::softmax, "Softmax over the last axis; explainers start below it, at the logits.");
  add(registry, Activation::linear, "Identity (pass-through).");
}

}  // namespace glassbox::layers
