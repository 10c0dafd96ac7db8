#pragma once
// Window geometry shared by max_pool2d and avg_pool2d: options pool_size (default 2),
// strides (default pool_size), padding "valid" only. Output sizes round down as in
// PyTorch and Keras: (H - pool) / stride + 1, so 11x11 pooled by 2 gives 5x5.
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/layer.h"
#include "glassbox/option_spec.h"
#include "layer_support.h"

namespace glassbox::layers {

struct PoolGeometry {
  std::size_t c = 0, h = 0, w = 0;   // input
  std::size_t ph = 2, pw = 2, sh = 2, sw = 2;
  std::size_t oh = 0, ow = 0;        // output

  nlohmann::json values;  // the options as read, strides completed: what config() writes

  // Reads the layer's options (pool_size, strides, padding: options()), sets the layer's
  // name; throws ConfigError naming the layer and the key.
  void read_options(Layer& layer, const std::string& type, const nlohmann::json& options);
  // Sets the input and output sizes; throws ConfigError naming the layer when the input
  // is not (C, H, W) or smaller than the window.
  Shape build(const Layer& layer, const Shape& input_shape);
  // The pooling layers' options, described once.
  static const std::vector<OptionSpec>& options();
};

// What max_pool2d and avg_pool2d share: type and kind, options and geometry, build(),
// config() and the output and gradient buffers; a subclass writes forward and backward.
class PoolLayer : public Layer {
 public:
  PoolLayer(std::string type, LayerKind kind, const nlohmann::json& options) : type_(std::move(type)), kind_(kind) {
    geo_.read_options(*this, type_, options);
  }

  std::string type() const final { return type_; }
  LayerKind kind() const final { return kind_; }

  Shape build(const Shape& input_shape, Rng&) override {
    output_ = Tensor();
    return geo_.build(*this, input_shape);
  }
  nlohmann::json config() const override { return layer_config(*this, geo_.values); }

 protected:
  // Checks a forward batch and sizes the output; returns its number of planes N*C.
  std::size_t start_forward(const Tensor& x) {
    check_batch(*this, x, {geo_.c, geo_.h, geo_.w}, "forward");
    ensure_shape(output_, {x.shape(0), geo_.c, geo_.oh, geo_.ow});
    return x.shape(0) * geo_.c;
  }
  // Checks the output gradient and sizes the input gradient; returns N*C.
  std::size_t start_backward(const Tensor& grad_output) {
    check_grad(*this, grad_output, output_);
    ensure_shape(grad_input_, {grad_output.shape(0), geo_.c, geo_.h, geo_.w});
    return grad_output.shape(0) * geo_.c;
  }

  std::string type_;
  LayerKind kind_;
  PoolGeometry geo_;
  Scratch output_, grad_input_;
};

}  // namespace glassbox::layers
