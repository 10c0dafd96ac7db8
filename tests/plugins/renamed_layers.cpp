// An out-of-tree-style plugin whose layers name their parameters unlike the built-in ones:
// "renamed_dense", "renamed_conv2d" and "renamed_batch_normalization" compute exactly what
// dense, conv2d and batch_normalization compute (each wraps the built-in layer, made
// through the registry, so outputs are bit-identical), but list their parameters as "W",
// "b", "g", "h", "mu", "sigma2". Explainers that go by parameter role must give these
// layers the built-in layers' relevance bit for bit; any lookup by name shows up as a
// difference. The built-in layers plugin must be loaded into the same registry before a
// renamed layer is made.
#include "glassbox/plugin.h"

namespace {

using namespace glassbox;

std::string renamed(ParamRole role) {
  switch (role) {
    case ParamRole::weight: return "W";
    case ParamRole::bias: return "b";
    case ParamRole::scale: return "g";
    case ParamRole::shift: return "h";
    case ParamRole::running_mean: return "mu";
    case ParamRole::running_variance: return "sigma2";
    case ParamRole::other: return "x";
  }
  return "x";
}

class Renamed final : public Layer {
 public:
  Renamed(std::string type, std::unique_ptr<Layer> inner) : type_(std::move(type)), inner_(std::move(inner)) {
    set_name(inner_->name());
  }
  std::string type() const override { return type_; }
  LayerKind kind() const override { return inner_->kind(); }
  Activation activation() const override { return inner_->activation(); }
  Shape build(const Shape& input_shape, Rng& rng) override { return inner_->build(input_shape, rng); }
  const Tensor& forward(const Tensor& x, Mode mode) override { return inner_->forward(x, mode); }
  const Tensor& backward(const Tensor& g, Gradients which) override { return inner_->backward(g, which); }
  nlohmann::json config() const override {
    nlohmann::json c = inner_->config();
    c["type"] = type_;
    c["name"] = name();
    return c;
  }
  std::unique_ptr<Layer> clone() const override {
    auto copy = std::make_unique<Renamed>(type_, inner_->clone());
    copy->set_name(name());
    return copy;
  }

 protected:
  // The inner layer's tensors (owned by this layer through inner_) under other names.
  std::vector<ConstParamRef> list_params() const override {
    std::vector<ConstParamRef> out = static_cast<const Layer&>(*inner_).params();
    for (ConstParamRef& p : out) p.name = renamed(p.role);
    return out;
  }

 private:
  std::string type_;
  std::unique_ptr<Layer> inner_;
};

void add(Registry& r, const std::string& inner_type) {
  const std::string type = "renamed_" + inner_type;
  Registry* registry = &r;
  r.layers.add({type, inner_type + " with renamed parameters (test layer)", {}, r.origin()},
               [registry, type, inner_type](const nlohmann::json& options) {
                 nlohmann::json c = options;
                 c["type"] = inner_type;
                 return std::unique_ptr<Layer>(std::make_unique<Renamed>(type, registry->make_layer(c)));
               });
}

void register_renamed(Registry& r) {
  add(r, "dense");
  add(r, "conv2d");
  add(r, "batch_normalization");
}

}  // namespace

GLASSBOX_PLUGIN("gbtest-renamed", "1.0", register_renamed)
