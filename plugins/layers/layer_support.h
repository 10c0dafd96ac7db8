#pragma once
// Helpers shared by the built-in layers: option parsing with errors that name the layer,
// buffers that are reallocated only when the batch size changes, shape checks, and the
// parameter-schema snippets the web page builds its forms from.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/error.h"
#include "glassbox/layer.h"
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

// Checks the options' keys ("type" and "name" are always allowed) and sets the layer's
// name from "name" when present. `type` is the registry name, used in errors before the
// layer has a name.
void apply_common_options(Layer& layer, const std::string& type, const nlohmann::json& options,
                          std::vector<std::string> known);

// Reads an option, turning type errors into ConfigErrors that name the layer.
template <class V>
V layer_option(const Layer& layer, const nlohmann::json& options, const std::string& key,
               const V& fallback) {
  try {
    return option<V>(options, key, fallback);
  } catch (const ConfigError& e) {
    throw ConfigError(label(layer) + ": " + e.what());
  }
}

// A positive integer option (units, filters...).
std::size_t positive_int_option(const Layer& layer, const nlohmann::json& options,
                                 const std::string& key, long fallback, bool required);
// An int or a pair [h, w] of positive integers (kernel_size, strides, pool_size).
std::pair<std::size_t, std::size_t> pair_option(const Layer& layer, const nlohmann::json& options,
                                                const std::string& key,
                                                std::pair<std::size_t, std::size_t> fallback,
                                                bool required);
// A string option that must be one of `allowed`.
std::string choice_option(const Layer& layer, const nlohmann::json& options,
                          const std::string& key, const std::string& fallback,
                          const std::vector<std::string>& allowed);
// An initializer name, checked against glassbox::initializer_names().
std::string initializer_option(const Layer& layer, const nlohmann::json& options,
                               const std::string& key, const std::string& fallback);

// Resizes only when the shape differs, so buffers are reused across batches.
void ensure_shape(Tensor& t, const Shape& shape);
Shape tensor_shape(const Tensor& t);

// Throws Error "<layer>: expects input of shape (N, ...) ..., got ..." when x is not a
// batch of `sample` shaped samples.
void check_batch(const Layer& layer, const Tensor& x, const Shape& sample, const char* what);
// Throws Error when backward is called without a preceding forward of the same batch.
void check_grad(const Layer& layer, const Tensor& grad, const Tensor& output);

// Schema entries: {"type": ..., "default": ..., "help": ...}.
nlohmann::json param(const std::string& type, const nlohmann::json& fallback,
                     const std::string& help);
nlohmann::json param_choice(const nlohmann::json& fallback, const std::vector<std::string>& choices,
                            const std::string& help);

}  // namespace glassbox::layers
