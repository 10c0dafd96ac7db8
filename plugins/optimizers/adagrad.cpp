// Adagrad (Duchi et al. 2011), Keras defaults (accumulator starts at 0.1):
//   a <- a + g^2;  w <- w - lr * g / (sqrt(a) + epsilon)
#include "gradient_optimizer.h"
#include "optimizers.h"

namespace glassbox::plugins {

namespace {

class Adagrad : public GradientOptimizer {
 public:
  explicit Adagrad(const nlohmann::json& o) {
    learning_rate_ = 1e-3f;
    read_common(o, {"initial_accumulator_value", "epsilon"});
    initial_ = option<float>(o, "initial_accumulator_value", 0.1f);
    epsilon_ = option<float>(o, "epsilon", 1e-7f);
    if (initial_ < 0) throw ConfigError("optimizer 'adagrad': initial_accumulator_value must be >= 0");
    if (epsilon_ <= 0) throw ConfigError("optimizer 'adagrad': epsilon must be > 0");
  }
  std::string type() const override { return "adagrad"; }
  nlohmann::json config() const override {
    auto c = common_config();
    c["initial_accumulator_value"] = initial_;
    c["epsilon"] = epsilon_;
    return c;
  }

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

FactoryInfo adagrad_info() {
  auto p = common_parameters(1e-3);
  p["initial_accumulator_value"] = {{"type", "float"}, {"default", 0.1}, {"help", "starting sum of squared gradients"}};
  p["epsilon"] = {{"type", "float"}, {"default", 1e-7}, {"help", "added to the root of the sum"}};
  return {"adagrad", "Adagrad: per-component rates from the sum of squared gradients", p, ""};
}

}  // namespace glassbox::plugins
