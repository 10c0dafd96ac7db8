// Dropout with inverted scaling: in train mode each value is kept with probability
// 1 - rate and scaled by 1 / (1 - rate), so inference is the identity and needs no
// rescaling. The mask comes from the layer's own engine, seeded from the Rng given to
// build(), so a model seed fixes every mask; clone() copies the engine state.
#include <algorithm>
#include <cstdint>

#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

class Dropout final : public Layer {
 public:
  explicit Dropout(const nlohmann::json& options) {
    apply_common_options(*this, "dropout", options, {"rate", "seed"});
    rate_ = layer_option<double>(*this, options, "rate", 0.5);
    if (!(rate_ >= 0.0 && rate_ < 1.0))
      throw ConfigError(label(*this) + ": option 'rate' must be in [0, 1), got " + std::to_string(rate_));
    if (options.is_object() && options.contains("seed") && !options.at("seed").is_null()) {
      seed_ = layer_option<unsigned long long>(*this, options, "seed", 0);
      has_seed_ = true;
    }
  }

  std::string type() const override { return "dropout"; }
  LayerKind kind() const override { return LayerKind::dropout; }

  Shape build(const Shape& input_shape, Rng& rng) override {
    input_shape_ = input_shape;
    engine_.seed(has_seed_ ? seed_ : rng());
    output_ = Tensor();
    return input_shape;
  }

  const Tensor& forward(const Tensor& x, Mode mode) override {
    check_batch(*this, x, input_shape_, "forward");
    ensure_shape(output_, tensor_shape(x));
    masked_ = mode == Mode::train && rate_ > 0.0;
    if (!masked_) {
      std::copy(x.data(), x.data() + x.size(), output_.data());
      return output_;
    }
    const std::size_t n = x.size();
    mask_.resize(n);
    // Two 32-bit draws per 64-bit engine output; keep when u >= rate * 2^32.
    const auto threshold = static_cast<std::uint64_t>(rate_ * 4294967296.0);
    const float scale = static_cast<float>(1.0 / (1.0 - rate_));
    for (std::size_t i = 0; i < n; i += 2) {
      const std::uint64_t bits = engine_();
      mask_[i] = (bits & 0xffffffffu) >= threshold ? scale : 0.0f;
      if (i + 1 < n) mask_[i + 1] = (bits >> 32) >= threshold ? scale : 0.0f;
    }
    const float* in = x.data();
    float* out = output_.data();
    for (std::size_t i = 0; i < n; ++i) out[i] = in[i] * mask_[i];
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    check_grad(*this, grad_output, output_);
    ensure_shape(grad_input_, tensor_shape(grad_output));
    const float* g = grad_output.data();
    float* gi = grad_input_.data();
    if (!masked_) {
      std::copy(g, g + grad_output.size(), gi);
    } else {
      for (std::size_t i = 0; i < grad_output.size(); ++i) gi[i] = g[i] * mask_[i];
    }
    return grad_input_;
  }

  nlohmann::json config() const override {
    nlohmann::json c{{"type", type()}, {"name", name()}, {"rate", rate_}};
    if (has_seed_) c["seed"] = seed_;
    return c;
  }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dropout>(*this); }

 private:
  double rate_ = 0.5;
  bool has_seed_ = false;
  unsigned long long seed_ = 0;
  Rng engine_;
  Shape input_shape_;
  Scratch output_, grad_input_;
  std::vector<float> mask_;  // 0 or 1/(1-rate), from the last train-mode forward
  bool masked_ = false;
};

}  // namespace

void register_dropout(Registry& registry) {
  FactoryInfo info;
  info.name = "dropout";
  info.description =
      "Drops each value with probability rate in training and scales the rest by 1/(1-rate); "
      "identity at inference.";
  info.parameters = {
      {"rate", param("float", 0.5, "fraction of values dropped, in [0, 1)")},
      {"seed", param("int", nullptr, "own mask seed; by default drawn from the model's seed")},
  };
  info.origin = registry.origin();
  registry.layers.add(std::move(info), [](const nlohmann::json& o) { return std::make_unique<Dropout>(o); });
}

}  // namespace glassbox::layers
