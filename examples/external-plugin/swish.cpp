// Swish activation, y = x * sigmoid(x) (Ramachandran et al. 2017), as a plugin layer.
// kind() == activation: the explainers pass relevance through it unchanged.
#include <cmath>

#include "example.h"

namespace example {

namespace {

class Swish : public glassbox::Layer {
 public:
  std::string type() const override { return "swish"; }
  glassbox::LayerKind kind() const override { return glassbox::LayerKind::activation; }
  // Not one of glassbox's own activations; never "linear" (see glassbox/layer.h).
  glassbox::Activation activation() const override { return glassbox::Activation::other; }
  glassbox::Shape build(const glassbox::Shape& input_shape, glassbox::Rng&) override { return input_shape; }

  const glassbox::Tensor& forward(const glassbox::Tensor& x, glassbox::Mode) override {
    input_ = x;
    output_.resize(x.shape());
    for (std::size_t i = 0; i < x.size(); ++i) output_.data()[i] = x.data()[i] / (1.0f + std::exp(-x.data()[i]));
    return output_;
  }

  const glassbox::Tensor& backward(const glassbox::Tensor& grad_output, glassbox::Gradients) override {
    grad_input_.resize(grad_output.shape());
    for (std::size_t i = 0; i < grad_output.size(); ++i) {
      const float x = input_.data()[i];
      const float s = 1.0f / (1.0f + std::exp(-x));
      grad_input_.data()[i] = grad_output.data()[i] * (s + x * s * (1.0f - s));
    }
    return grad_input_;
  }

  nlohmann::json config() const override { return {{"type", "swish"}, {"name", name()}}; }
  std::unique_ptr<glassbox::Layer> clone() const override { return std::make_unique<Swish>(*this); }

 private:
  glassbox::Tensor input_, output_, grad_input_;
};

}  // namespace

void register_swish(glassbox::Registry& registry) {
  registry.layers.add({"swish", "x * sigmoid(x) activation (example plugin)", {}, registry.origin()},
                      [](const nlohmann::json& options) {
                        glassbox::check_known_keys(options, {"type", "name"}, "swish");
                        auto layer = std::make_unique<Swish>();
                        layer->set_name(glassbox::option<std::string>(options, "name", ""));
                        return std::unique_ptr<glassbox::Layer>(std::move(layer));
                      });
}

}  // namespace example
