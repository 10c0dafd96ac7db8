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
  // RmsProp's options, described once: parsing, defaults, config() and the registry's schema.
  static const std::vector<OptionSpec>& options() {
    static const std::vector<OptionSpec> options =
        optimizer_options(1e-3, {fraction_option("rho", 0.9, "decay of the mean squared gradient"),
                                 fraction_option("momentum", 0.0, "momentum on the scaled step"),
                                 positive_option("epsilon", 1e-7, "added to the root mean square")});
    return options;
  }

  explicit RmsProp(const nlohmann::json& o)
      : GradientOptimizer("rmsprop", o, options()),
        rho_(value("rho")),
        momentum_(value("momentum")),
        epsilon_(value("epsilon")) {}

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

FactoryInfo rmsprop_info() { return {"rmsprop", "RMSprop: steps scaled by a running root mean square of the gradient", options_schema(RmsProp::options()), ""}; }

}  // namespace glassbox::plugins
