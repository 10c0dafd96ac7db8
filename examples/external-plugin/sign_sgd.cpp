// signSGD (Bernstein et al. 2018): w -= lr * sign(g). Stateless.
#include "example.h"

namespace example {

namespace {

class SignSgd : public glassbox::Optimizer {
 public:
  explicit SignSgd(float lr) { learning_rate_ = lr; }
  std::string type() const override { return "sign_sgd"; }
  void step(const std::vector<glassbox::ParamRef>& params) override {
    for (const auto& p : params) {
      if (!p.trainable) continue;
      float* w = p.value->data();
      const float* g = p.grad->data();
      for (std::size_t i = 0; i < p.value->size(); ++i)
        w[i] -= learning_rate_ * static_cast<float>((g[i] > 0.0f) - (g[i] < 0.0f));
    }
  }
  nlohmann::json config() const override { return {{"type", "sign_sgd"}, {"learning_rate", learning_rate_}}; }
  void reset() override {}
};

}  // namespace

void register_sign_sgd(glassbox::Registry& registry) {
  registry.optimizers.add(
      {"sign_sgd", "w -= lr * sign(grad) (example plugin)",
       {{"learning_rate", {{"type", "float"}, {"default", 1e-3}, {"help", "step size"}}}}, registry.origin()},
      [](const nlohmann::json& options) {
        glassbox::check_known_keys(options, {"type", "learning_rate"}, "sign_sgd");
        return std::unique_ptr<glassbox::Optimizer>(
            std::make_unique<SignSgd>(glassbox::option<float>(options, "learning_rate", 1e-3f)));
      });
}

}  // namespace example
