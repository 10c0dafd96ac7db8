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

// Dropout's options, described once.
const std::vector<OptionSpec>& dropout_options() {
  static const std::vector<OptionSpec> options = [] {
    OptionSpec rate{"rate", "float", 0.5, 0, 1, "fraction of values dropped, in [0, 1)"};
    rate.max_open = true;
    return std::vector<OptionSpec>{
        rate, {"seed", "int", nullptr, 0, kUnbounded, "own mask seed; by default drawn from the model's seed"}};
  }();
  return options;
}

class Dropout final : public Layer {
 public:
  explicit Dropout(const nlohmann::json& options)
      : values_(read_layer_options(*this, "dropout", options, dropout_options())) {
    rate_ = values_.at("rate").get<double>();
    has_seed_ = values_.contains("seed");
    if (has_seed_) seed_ = values_.at("seed").get<unsigned long long>();
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
    ensure_shape(output_, shape_of(x));
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
    ensure_shape(grad_input_, shape_of(grad_output));
    const float* g = grad_output.data();
    float* gi = grad_input_.data();
    if (!masked_) {
      std::copy(g, g + grad_output.size(), gi);
    } else {
      for (std::size_t i = 0; i < grad_output.size(); ++i) gi[i] = g[i] * mask_[i];
    }
    return grad_input_;
  }

  nlohmann::json config() const override { return layer_config(*this, values_); }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Dropout>(*this); }

 private:
  nlohmann::json values_;  // the options as read (dropout_options())
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
  add_layer<Dropout>(registry, "dropout",
                     "Drops each value with probability rate in training and scales the rest by 1/(1-rate); "
                     "identity at inference.",
                     dropout_options());
}

}  // namespace glassbox::layers
