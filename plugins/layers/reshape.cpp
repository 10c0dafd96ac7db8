// Reshape: (N, ...) -> (N, target_shape...), row-major. One entry of target_shape may be
// -1 and is inferred from the sample size (as in Keras).
#include <algorithm>

#include "glassbox/shape_check.h"
#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

// Reshape's option, described once; the layer checks the list's entries.
const std::vector<OptionSpec>& reshape_options() {
  static const std::vector<OptionSpec> options = {
      {"target_shape", "list", nullptr, -kUnbounded, kUnbounded, "per-sample output shape (required)", {}, true}};
  return options;
}

class Reshape final : public Layer {
 public:
  explicit Reshape(const nlohmann::json& options) {
    const nlohmann::json values = read_layer_options(*this, "reshape", options, reshape_options());
    const auto& t = values.at("target_shape");
    bool ok = t.is_array() && !t.empty();
    int inferred = 0;
    for (std::size_t i = 0; ok && i < t.size(); ++i) {
      ok = t[i].is_number_integer() && (t[i].get<long>() > 0 || t[i].get<long>() == -1);
      if (ok && t[i].get<long>() == -1) ++inferred;
    }
    if (!ok || inferred > 1) {
      throw ConfigError(label(*this) +
                        ": option 'target_shape' must be a non-empty list of positive integers "
                        "(one of them may be -1), got " + t.dump());
    }
    target_ = t.get<std::vector<long>>();
  }

  std::string type() const override { return "reshape"; }
  LayerKind kind() const override { return LayerKind::reshape; }

  Shape build(const Shape& input_shape, Rng&) override {
    const std::size_t total = checked_element_count(input_shape, label(*this) + ": input");
    // The known sizes are multiplied with a bound: [65536, 65536, 65536, 65536] must not wrap.
    Shape fixed;
    for (long d : target_) if (d > 0) fixed.push_back(static_cast<std::size_t>(d));
    const std::size_t known = fixed.empty() ? 1 : checked_element_count(fixed, label(*this) + ": target_shape");
    Shape out;
    for (long d : target_) out.push_back(d > 0 ? static_cast<std::size_t>(d) : (known ? total / known : 0));
    if (shape_size(out) != total) {
      throw ConfigError(label(*this) + ": cannot reshape " + shape_to_string(input_shape) + " (" +
                        std::to_string(total) + " values) to " + nlohmann::json(target_).dump());
    }
    input_shape_ = input_shape;
    output_shape_ = out;
    output_ = Tensor();
    return out;
  }

  const Tensor& forward(const Tensor& x, Mode) override {
    check_batch(*this, x, input_shape_, "forward");
    ensure_shape(output_, batch_shape(x.shape(0), output_shape_));
    std::copy(x.data(), x.data() + x.size(), output_.data());
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    check_grad(*this, grad_output, output_);
    ensure_shape(grad_input_, batch_shape(grad_output.shape(0), input_shape_));
    std::copy(grad_output.data(), grad_output.data() + grad_output.size(), grad_input_.data());
    return grad_input_;
  }

  nlohmann::json config() const override { return layer_config(*this, {{"target_shape", target_}}); }
  std::unique_ptr<Layer> clone() const override { return std::make_unique<Reshape>(*this); }

 private:
  std::vector<long> target_;
  Shape input_shape_, output_shape_;
  Scratch output_, grad_input_;
};

}  // namespace

void register_reshape(Registry& registry) {
  add_layer<Reshape>(registry, "reshape", "Reshapes each sample, e.g. (784,) -> [1, 28, 28]; one entry may be -1.",
                     reshape_options());
}

}  // namespace glassbox::layers
