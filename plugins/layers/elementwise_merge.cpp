// Add and Average: merge layers that join inputs of one shape element by element,
// y = x_1 + ... + x_n (add) or y = (x_1 + ... + x_n) / n (average), as Keras' Add and
// Average. Summed in input order, on one thread, so every thread count gives the same bits.
#include <algorithm>
#include <vector>

#include "glassbox/merge_layer.h"
#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

class ElementwiseMerge final : public MergeLayer {
 public:
  ElementwiseMerge(std::string type, const nlohmann::json& options) : type_(std::move(type)) {
    read_layer_options(*this, type_, options, {});
  }

  std::string type() const override { return type_; }

  Shape build_merge(const std::vector<Shape>& shapes, Rng&) override {
    if (shapes.size() < 2)
      throw ConfigError(label(*this) + " (" + type_ + ") needs at least 2 inputs, got " + std::to_string(shapes.size()));
    for (std::size_t k = 1; k < shapes.size(); ++k)
      if (shapes[k] != shapes[0])
        throw ConfigError(label(*this) + " (" + type_ + "): input 0 has shape " + shape_to_string(shapes[0]) +
                          " and input " + std::to_string(k) + " has shape " + shape_to_string(shapes[k]) + "; " + type_ +
                          " needs inputs of one shape");
    set_input_shapes(shapes);
    output_ = Tensor();
    grads_.clear();
    return shapes[0];
  }

  const Tensor& forward_merge(const std::vector<const Tensor*>& inputs, Mode) override {
    const auto& shapes = input_shapes();
    if (inputs.size() != shapes.size())
      throw Error(label(*this) + ": forward with " + std::to_string(inputs.size()) + " inputs, built for " +
                  std::to_string(shapes.size()));
    for (std::size_t k = 0; k < inputs.size(); ++k) check_batch(*this, *inputs[k], shapes[k], "forward");
    const std::size_t n = inputs[0]->shape(0);
    for (const Tensor* x : inputs)
      if (x->shape(0) != n) throw Error(label(*this) + ": inputs have different batch sizes");
    ensure_shape(output_, shape_of(*inputs[0]));
    float* y = output_.data();
    const std::size_t size = output_.size();
    std::copy(inputs[0]->data(), inputs[0]->data() + size, y);
    for (std::size_t k = 1; k < inputs.size(); ++k) {
      const float* x = inputs[k]->data();
      for (std::size_t i = 0; i < size; ++i) y[i] += x[i];
    }
    if (type_ == "average") {
      const float w = weight();
      for (std::size_t i = 0; i < size; ++i) y[i] *= w;
    }
    return output_;
  }

  const std::vector<Tensor>& backward_merge(const Tensor& grad_output) override {
    check_grad(*this, grad_output, output_);
    grads_.resize(input_shapes().size());
    const float w = type_ == "average" ? weight() : 1.0f;
    for (Tensor& g : grads_) {
      ensure_shape(g, shape_of(grad_output));
      const float* s = grad_output.data();
      float* d = g.data();
      for (std::size_t i = 0; i < g.size(); ++i) d[i] = s[i] * w;
    }
    return grads_;
  }

  nlohmann::json config() const override { return layer_config(*this, nlohmann::json::object()); }

  std::unique_ptr<Layer> clone() const override {
    auto c = std::make_unique<ElementwiseMerge>(*this);
    c->grads_.clear();
    return c;
  }

 private:
  float weight() const { return 1.0f / static_cast<float>(input_shapes().size()); }

  std::string type_;
  Scratch output_;
  std::vector<Tensor> grads_;
};

void register_one(Registry& registry, const std::string& type, const std::string& description) {
  add_layer(registry, type, description, {},
            [type](const nlohmann::json& o) { return std::make_unique<ElementwiseMerge>(type, o); });
}

}  // namespace

void register_elementwise_merges(Registry& registry) {
  register_one(registry, "add",
               "Merge: the element-wise sum of its inputs (all of one shape), y = x1 + x2 + ...; give it "
               "\"inputs\": [names].");
  register_one(registry, "average",
               "Merge: the element-wise mean of its inputs (all of one shape), y = (x1 + ... + xn) / n; give it "
               "\"inputs\": [names].");
}

}  // namespace glassbox::layers
