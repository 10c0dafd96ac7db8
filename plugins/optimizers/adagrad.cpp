// Adagrad (Duchi et al. 2011), Keras defaults (accumulator starts at 0.1):
//   a <- a + g^2;  w <- w - lr * g / (sqrt(a) + epsilon)
#include "gradient_optimizer.h"
#include "optimizers.h"

namespace glassbox::plugins {

namespace {

class Adagrad : public GradientOptimizer {
 public:
  // Adagrad's options, described once: parsing, defaults, config() and the registry's schema.
  static const std::vector<OptionSpec>& options() {
    static const std::vector<OptionSpec> options =
        optimizer_options(1e-3, {{"initial_accumulator_value", "float", 0.1, 0, kUnbounded, "starting sum of squared gradients"},
                                 positive_option("epsilon", 1e-7, "added to the root of the sum")});
    return options;
  }

  explicit Adagrad(const nlohmann::json& o)
      : GradientOptimizer("adagrad", o, options()),
        initial_(value("initial_accumulator_value")),
        epsilon_(value("epsilon")) {}

 protected:
  std::size_t slots_per_param() const override { return 1; }
  float initial_slot_value() const override { return initial_; }
  void update(std::size_t index, std::size_t offset, float* __restrict w, const float* __restrict g, std::size_t n,
              const GradientTransform& t) override {
    float* __restrict a = slot(index, 0) + offset;
    const float lr = learning_rate_, eps = epsilon_;
    for (std::size_t j = 0; j < n; ++j) {
      const float gj = t.grad(g[j]);
      a[j] += gj * gj;
      w[j] = w[j] * t.keep - lr * gj / (std::sqrt(a[j]) + eps);
    }
  }

 private:
  float initial_ = 0.1f, epsilon_ = 1e-7f;
};

}  // namespace

std::unique_ptr<Optimizer> make_adagrad(const nlohmann::json& options) { return std::make_unique<Adagrad>(options); }

FactoryInfo adagrad_info() { return {"adagrad", "Adagrad: per-component rates from the sum of squared gradients", options_schema(Adagrad::options()), ""}; }

}  // namespace glassbox::plugins
