// RMSprop (Hinton's lecture 6e), with optional momentum:
//   s <- rho s + (1 - rho) g^2
//   step = lr * g / (sqrt(s) + epsilon)
//   w <- w - step                         (momentum 0)
//   b <- momentum b + step; w <- w - b    (momentum > 0)
#include "gradient_optimizer.h"
#include "optimizers.h"

namespace glassbox::plugins {

namespace {

class RmsProp : public GradientOptimizer {
 public:
  explicit RmsProp(const nlohmann::json& o) {
    learning_rate_ = 1e-3f;
    read_common(o, {"rho", "momentum", "epsilon"});
    rho_ = option<float>(o, "rho", 0.9f);
    momentum_ = option<float>(o, "momentum", 0.0f);
    epsilon_ = option<float>(o, "epsilon", 1e-7f);
    if (!(rho_ >= 0 && rho_ < 1)) throw ConfigError("optimizer 'rmsprop': rho must be in [0, 1)");
    if (momentum_ < 0 || momentum_ >= 1) throw ConfigError("optimizer 'rmsprop': momentum must be in [0, 1)");
    if (epsilon_ <= 0) throw ConfigError("optimizer 'rmsprop': epsilon must be > 0");
  }
  std::string type() const override { return "rmsprop"; }
  nlohmann::json config() const override {
    auto c = common_config();
    c["rho"] = rho_;
    c["momentum"] = momentum_;
    c["epsilon"] = epsilon_;
    return c;
  }

 protected:
  std::size_t slots_per_param() const override { return momentum_ > 0 ? 2 : 1; }
  void update(std::size_t index, std::size_t offset, float* __restrict w, const float* __restrict g, std::size_t n,
              const GradientTransform& t) override {
    float* __restrict s = slot(index, 0) + offset;
    const float rho = rho_, c = 1 - rho_, lr = learning_rate_, eps = epsilon_;
    if (momentum_ == 0) {
      for (std::size_t j = 0; j < n; ++j) {
        const float gj = t.grad(g[j]);
        s[j] = rho * s[j] + c * gj * gj;
        w[j] = w[j] * t.keep - lr * gj / (std::sqrt(s[j]) + eps);
      }
      return;
    }
    float* __restrict b = slot(index, 1) + offset;
    const float mu = momentum_;
    for (std::size_t j = 0; j < n; ++j) {
      const float gj = t.grad(g[j]);
      s[j] = rho * s[j] + c * gj * gj;
      b[j] = mu * b[j] + lr * gj / (std::sqrt(s[j]) + eps);
      w[j] = w[j] * t.keep - b[j];
    }
  }

 private:
  float rho_ = 0.9f, momentum_ = 0, epsilon_ = 1e-7f;
};

}  // namespace

std::unique_ptr<Optimizer> make_rmsprop(const nlohmann::json& options) { return std::make_unique<RmsProp>(options); }

FactoryInfo rmsprop_info() {
  auto p = common_parameters(1e-3);
  p["rho"] = {{"type", "float"}, {"default", 0.9}, {"help", "decay of the mean squared gradient"}};
  p["momentum"] = {{"type", "float"}, {"default", 0.0}, {"help", "momentum on the scaled step"}};
  p["epsilon"] = {{"type", "float"}, {"default", 1e-7}, {"help", "added to the root mean square"}};
  return {"rmsprop", "RMSprop: steps scaled by a running root mean square of the gradient", p, ""};
}

}  // namespace glassbox::plugins
