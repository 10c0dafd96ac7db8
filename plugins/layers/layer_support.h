#pragma once
// Helpers shared by the built-in layers: options read against their one description with
// errors that name the layer, buffers that are reallocated only when the batch size
// changes, and shape checks.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/error.h"
#include "glassbox/layer.h"
#include "glassbox/option_spec.h"
#include "glassbox/registry.h"
#include "glassbox/tensor.h"

namespace glassbox::layers {

// A layer's per-batch buffer (outputs, gradients, im2col columns...). A copy of the layer
// (clone()) starts with empty buffers: it gets the parameters, not the last batch's
// scratch, which after a batch of 1,000 images is tens of megabytes.
template <class Base>
class ScratchOf : public Base {
 public:
  ScratchOf() = default;
  ScratchOf(const ScratchOf&) : Base() {}
  ScratchOf(ScratchOf&&) noexcept = default;
  ScratchOf& operator=(const ScratchOf&) { return *this; }
  ScratchOf& operator=(ScratchOf&&) noexcept = default;
  ScratchOf& operator=(const Base& other) {
    Base::operator=(other);
    return *this;
  }
  ScratchOf& operator=(Base&& other) {
    Base::operator=(std::move(other));
    return *this;
  }
};
using Scratch = ScratchOf<Tensor>;

// "dense_3" when the layer has a name, otherwise its type ("dense").
std::string label(const Layer& layer);

// Reads a layer's options against its one description (glassbox/option_spec.h): "type"
// must be `type` when given, "name" (a string) sets the layer's name, every other key must
// be described. Returns the values, defaults filled in and sizes as [height, width], which
// config() writes back (layer_config). Errors start with "<name> (<type>)" or "<type>".
nlohmann::json read_layer_options(Layer& layer, const std::string& type, const nlohmann::json& options,
                                  const std::vector<OptionSpec>& spec);
// {"type": layer.type(), "name": layer.name()} and then `values` (read_layer_options').
nlohmann::json layer_config(const Layer& layer, const nlohmann::json& values);
// Registers a built-in layer whose schema is its description.
void add_layer(Registry& registry, const std::string& name, const std::string& description,
               const std::vector<OptionSpec>& spec, FactoryRegistry<Layer>::Factory make);
// The same for a layer L made by L(options).
template <class L>
void add_layer(Registry& registry, const std::string& name, const std::string& description,
               const std::vector<OptionSpec>& spec) {
  add_layer(registry, name, description, spec, [](const nlohmann::json& o) { return std::make_unique<L>(o); });
}
// A size as read_options returns it: [height, width].
std::pair<std::size_t, std::size_t> size_pair(const nlohmann::json& value);
// The options dense and conv2d share, after their own: the fused activation (one of
// `activations`, default linear), use_bias, kernel_initializer, bias_initializer.
std::vector<OptionSpec> with_linear_options(std::vector<OptionSpec> own, const std::vector<std::string>& activations,
                                            const std::string& bias_help);
// Their values as read_layer_options returned them.
struct LinearOptions {
  Activation activation = Activation::linear;
  bool use_bias = true;
  std::string kernel_init, bias_init;
};
LinearOptions linear_options(const nlohmann::json& values);

// A layer without options or parameters that keeps its input shape (flatten, global
// average pooling): config() is {"type", "name"}.
class OptionlessLayer : public Layer {
 public:
  OptionlessLayer(const std::string& type, const nlohmann::json& options) {
    read_layer_options(*this, type, options, {});
  }
  nlohmann::json config() const override { return layer_config(*this, nlohmann::json::object()); }

 protected:
  Shape input_shape_;
  Scratch output_, grad_input_;
};

// Resizes only when the shape differs, so buffers are reused across batches.
void ensure_shape(Tensor& t, const Shape& shape);

// Throws Error "<layer>: expects input of shape (N, ...) ..., got ..." when x is not a
// batch of `sample` shaped samples.
void check_batch(const Layer& layer, const Tensor& x, const Shape& sample, const char* what);
// Throws Error when backward is called without a preceding forward of the same batch.
void check_grad(const Layer& layer, const Tensor& grad, const Tensor& output);

}  // namespace glassbox::layers
