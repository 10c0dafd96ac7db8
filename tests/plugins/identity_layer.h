#pragma once
// A minimal layer for the loader tests: y = x.
#include "glassbox/registry.h"

namespace gbtest {

class IdentityLayer : public glassbox::Layer {
 public:
  std::string type() const override { return type_; }
  glassbox::LayerKind kind() const override { return glassbox::LayerKind::reshape; }
  glassbox::Shape build(const glassbox::Shape& s, glassbox::Rng&) override { return s; }
  const glassbox::Tensor& forward(const glassbox::Tensor& x, glassbox::Mode) override { return out_ = x; }
  const glassbox::Tensor& backward(const glassbox::Tensor& g, glassbox::Gradients) override { return grad_ = g; }
  nlohmann::json config() const override { return {{"type", type_}, {"name", name()}}; }
  std::unique_ptr<glassbox::Layer> clone() const override { return std::make_unique<IdentityLayer>(*this); }
  std::string type_ = "identity";

 private:
  glassbox::Tensor out_, grad_;
};

inline void register_identity(glassbox::Registry& r, const std::string& name) {
  r.layers.add({name, "y = x (test layer)", {}, r.origin()}, [name](const nlohmann::json&) {
    auto l = std::make_unique<IdentityLayer>();
    l->type_ = name;
    return std::unique_ptr<glassbox::Layer>(std::move(l));
  });
}

}  // namespace gbtest
