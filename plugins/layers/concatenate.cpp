// Concatenate: a merge layer that joins its inputs along one axis (channels of (C, H, W)
// images, features of (F) vectors), as Keras' Concatenate and torch.cat. The axis counts
// the batch axis as Keras does: 1 (the default) is the first axis of a sample, -1 the last.
#include <algorithm>
#include <vector>

#include "glassbox/merge_layer.h"
#include "layer_support.h"
#include "layers.h"

namespace glassbox::layers {
namespace {

class Concatenate final : public MergeLayer {
 public:
  explicit Concatenate(const nlohmann::json& options) {
    values_ = read_layer_options(*this, "concatenate", options, spec());
    axis_ = values_.at("axis").get<long>();
    if (axis_ == 0) throw ConfigError(label(*this) + ": option 'axis' is 0, the batch axis; samples are joined along 1 or later");
  }

  // The options, described once: parsing, config() and the registry's schema.
  static const std::vector<OptionSpec>& spec() {
    static const std::vector<OptionSpec> s = {
        {"axis", "int", 1, -kUnbounded, kUnbounded,
         "axis to join along, counting the batch axis as Keras does: 1 = channels (C, H, W) or features (F), -1 = the "
         "last axis"}};
    return s;
  }

  std::string type() const override { return "concatenate"; }

  Shape build_merge(const std::vector<Shape>& shapes, Rng&) override {
    if (shapes.size() < 2)
      throw ConfigError(label(*this) + " (concatenate) needs at least 2 inputs, got " + std::to_string(shapes.size()));
    const long rank = static_cast<long>(shapes[0].size());
    const long a = axis_ > 0 ? axis_ - 1 : rank + axis_;
    if (a < 0 || a >= rank)
      throw ConfigError(label(*this) + " (concatenate): axis " + std::to_string(axis_) + " does not exist for inputs of shape " +
                        shape_to_string(shapes[0]) + " (axes 1.." + std::to_string(rank) + " or -" + std::to_string(rank) +
                        "..-1)");
    axis_index_ = static_cast<std::size_t>(a);
    Shape out = shapes[0];
    out[axis_index_] = 0;
    for (std::size_t k = 0; k < shapes.size(); ++k) {
      bool fits = shapes[k].size() == shapes[0].size();
      for (std::size_t d = 0; fits && d < shapes[0].size(); ++d)
        fits = d == axis_index_ || shapes[k][d] == shapes[0][d];
      if (!fits)
        throw ConfigError(label(*this) + " (concatenate): input 0 has shape " + shape_to_string(shapes[0]) + " and input " +
                          std::to_string(k) + " has shape " + shape_to_string(shapes[k]) +
                          "; concatenate along axis " + std::to_string(axis_) + " needs the other axes equal");
      out[axis_index_] += shapes[k][axis_index_];
    }
    set_input_shapes(shapes);
    output_ = Tensor();
    grads_.clear();
    return out;
  }

  const Tensor& forward_merge(const std::vector<const Tensor*>& inputs, Mode) override {
    const auto& shapes = input_shapes();
    if (inputs.size() != shapes.size())
      throw Error(label(*this) + ": forward with " + std::to_string(inputs.size()) + " inputs, built for " +
                  std::to_string(shapes.size()));
    const std::size_t n = inputs[0]->shape(0);
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      check_batch(*this, *inputs[k], shapes[k], "forward");
      if (inputs[k]->shape(0) != n) throw Error(label(*this) + ": inputs have different batch sizes");
    }
    Shape out = shape_of(*inputs[0]);
    out[axis_index_ + 1] = 0;
    for (const Tensor* x : inputs) out[axis_index_ + 1] += x->shape(axis_index_ + 1);
    ensure_shape(output_, out);
    const std::size_t outer = outer_size(n), row = output_.size() / outer;
    std::size_t offset = 0;
    for (const Tensor* x : inputs) {
      const std::size_t part = x->size() / outer;
      for (std::size_t o = 0; o < outer; ++o)
        std::copy(x->data() + o * part, x->data() + (o + 1) * part, output_.data() + o * row + offset);
      offset += part;
    }
    return output_;
  }

  const std::vector<Tensor>& backward_merge(const Tensor& grad_output) override {
    check_grad(*this, grad_output, output_);
    const auto& shapes = input_shapes();
    const std::size_t n = grad_output.shape(0), outer = outer_size(n), row = grad_output.size() / outer;
    grads_.resize(shapes.size());
    std::size_t offset = 0;
    for (std::size_t k = 0; k < shapes.size(); ++k) {
      ensure_shape(grads_[k], batch_shape(n, shapes[k]));
      const std::size_t part = grads_[k].size() / outer;
      for (std::size_t o = 0; o < outer; ++o)
        std::copy(grad_output.data() + o * row + offset, grad_output.data() + o * row + offset + part,
                  grads_[k].data() + o * part);
      offset += part;
    }
    return grads_;
  }

  nlohmann::json config() const override { return layer_config(*this, values_); }

  std::unique_ptr<Layer> clone() const override {
    auto c = std::make_unique<Concatenate>(*this);
    c->grads_.clear();
    return c;
  }

 private:
  // Batch rows times the sample axes before the joined one: the number of blocks to copy.
  std::size_t outer_size(std::size_t n) const {
    std::size_t outer = n;
    for (std::size_t d = 0; d < axis_index_; ++d) outer *= input_shapes()[0][d];
    return outer;
  }

  nlohmann::json values_;
  long axis_ = 1;
  std::size_t axis_index_ = 0;  // the joined axis among a sample's axes
  Scratch output_;
  std::vector<Tensor> grads_;
};

}  // namespace

void register_concatenate(Registry& registry) {
  add_layer<Concatenate>(registry, "concatenate",
                         "Merge: joins its inputs along one axis (channels of (C, H, W) images, features of vectors); "
                         "the other axes must agree. Give it \"inputs\": [names].",
                         Concatenate::spec());
}

}  // namespace glassbox::layers
