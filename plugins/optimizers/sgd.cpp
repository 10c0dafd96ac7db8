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
  explicit Sgd(const nlohmann::json& o) {
    learning_rate_ = 0.01f;
    read_common(o, {"momentum", "nesterov"});
    momentum_ = option<float>(o, "momentum", 0.0f);
    nesterov_ = option<bool>(o, "nesterov", false);
    if (momentum_ < 0 || momentum_ >= 1) throw ConfigError("optimizer 'sgd': momentum must be in [0, 1)");
  }
  std::string type() const override { return "sgd"; }
  nlohmann::json config() const override {
    auto c = common_config();
    c["momentum"] = momentum_;
    c["nesterov"] = nesterov_;
    return c;
  }

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

FactoryInfo sgd_info() {
  auto p = common_parameters(0.01);
  p["momentum"] = {{"type", "float"}, {"default", 0.0}, {"help", "velocity decay, 0 for plain SGD"}};
  p["nesterov"] = {{"type", "bool"}, {"default", false}, {"help", "Nesterov momentum"}};
  return {"sgd", "stochastic gradient descent with optional (Nesterov) momentum", p, ""};
}

}  // namespace glassbox::plugins
