// Stochastic gradient descent with (Nesterov) momentum, in Keras's form:
//   v <- momentum * v - lr * g
//   w <- w + v                          (classical)
//   w <- w + momentum * v - lr * g      (Nesterov)
// With a constant rate this is the same trajectory as PyTorch's v <- mu v + g, w -= lr v.
#include "gradient_optimizer.h"
#include "optimizers.h"

namespace glassbox::plugins {

namespace {

class Sgd : public GradientOptimizer {
 public:
  // Sgd's options, described once: parsing, defaults, config() and the registry's schema.
  static const std::vector<OptionSpec>& options() {
    static const std::vector<OptionSpec> options =
        optimizer_options(0.01, {fraction_option("momentum", 0.0, "velocity decay, 0 for plain SGD"),
                                 {"nesterov", "bool", false, -kUnbounded, kUnbounded, "Nesterov momentum"}});
    return options;
  }

  explicit Sgd(const nlohmann::json& o)
      : GradientOptimizer("sgd", o, options()),
        momentum_(value("momentum")),
        nesterov_(values_.at("nesterov").get<bool>()) {}

 protected:
  std::size_t slots_per_param() const override { return momentum_ > 0 ? 1 : 0; }
  void update(std::size_t index, std::size_t offset, float* __restrict w, const float* __restrict g, std::size_t n,
              const GradientTransform& t) override {
    const float lr = learning_rate_, mu = momentum_;
    if (mu == 0) {
      for (std::size_t j = 0; j < n; ++j) w[j] = w[j] * t.keep - lr * t.grad(g[j]);
      return;
    }
    float* __restrict v = slot(index, 0) + offset;
    if (nesterov_) {
      for (std::size_t j = 0; j < n; ++j) {
        const float gj = t.grad(g[j]);
        v[j] = mu * v[j] - lr * gj;
        w[j] = w[j] * t.keep + mu * v[j] - lr * gj;
      }
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        v[j] = mu * v[j] - lr * t.grad(g[j]);
        w[j] = w[j] * t.keep + v[j];
      }
    }
  }

 private:
  float momentum_ = 0;
  bool nesterov_ = false;
};

}  // namespace

std::unique_ptr<Optimizer> make_sgd(const nlohmann::json& options) { return std::make_unique<Sgd>(options); }

FactoryInfo sgd_info() { return {"sgd", "stochastic gradient descent with optional (Nesterov) momentum", options_schema(Sgd::options()), ""}; }

}  // namespace glassbox::plugins
