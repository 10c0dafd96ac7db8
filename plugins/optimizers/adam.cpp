// Adam (Kingma & Ba 2015) in Keras's form, with the bias corrections folded into the rate:
//   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
//   w <- w - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)
#include "gradient_optimizer.h"
#include "optimizers.h"

namespace glassbox::plugins {

namespace {

class Adam : public GradientOptimizer {
 public:
  // Adam's options, described once: parsing, defaults, config() and the registry's schema.
  static const std::vector<OptionSpec>& options() {
    static const std::vector<OptionSpec> options =
        optimizer_options(1e-3, {fraction_option("beta_1", 0.9, "decay of the first-moment estimate"),
                                 fraction_option("beta_2", 0.999, "decay of the second-moment estimate"),
                                 positive_option("epsilon", 1e-7, "added to sqrt(v) (Keras's default)")});
    return options;
  }

  explicit Adam(const nlohmann::json& o)
      : GradientOptimizer("adam", o, options()),
        beta_1_(value("beta_1")),
        beta_2_(value("beta_2")),
        epsilon_(value("epsilon")) {}

 protected:
  std::size_t slots_per_param() const override { return 2; }
  void begin_step() override {
    const double t = static_cast<double>(iterations_);
    alpha_ = static_cast<float>(learning_rate_ * std::sqrt(1.0 - std::pow(beta_2_, t)) / (1.0 - std::pow(beta_1_, t)));
  }
  void update(std::size_t index, std::size_t offset, float* __restrict w, const float* __restrict g, std::size_t n,
              const GradientTransform& t) override {
    float* __restrict m = slot(index, 0) + offset;
    float* __restrict v = slot(index, 1) + offset;
    const float b1 = beta_1_, b2 = beta_2_, c1 = 1 - beta_1_, c2 = 1 - beta_2_, a = alpha_, eps = epsilon_;
    for (std::size_t j = 0; j < n; ++j) {
      const float gj = t.grad(g[j]);
      m[j] = b1 * m[j] + c1 * gj;
      v[j] = b2 * v[j] + c2 * gj * gj;
      w[j] = w[j] * t.keep - a * m[j] / (std::sqrt(v[j]) + eps);
    }
  }

 private:
  float beta_1_ = 0.9f, beta_2_ = 0.999f, epsilon_ = 1e-7f, alpha_ = 0;
};

}  // namespace

std::unique_ptr<Optimizer> make_adam(const nlohmann::json& options) { return std::make_unique<Adam>(options); }

FactoryInfo adam_info() { return {"adam", "Adam: adaptive moment estimation (Keras form)", options_schema(Adam::options()), ""}; }

}  // namespace glassbox::plugins
