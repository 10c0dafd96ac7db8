#pragma once
// Pointwise activation functions on raw float buffers, shared by the activation layers
// and the fused `activation` option of dense/conv2d. Every derivative is computed from
// the activation's OUTPUT y (relu: y > 0, sigmoid: y(1-y), tanh: 1-y^2, softmax's
// Jacobian-vector product), so a layer keeps only its output for backward.
#include <cstddef>
#include <string>
#include <vector>

namespace glassbox::layers {

enum class Activation { linear, relu, leaky_relu, sigmoid, tanh, softmax };

Activation parse_activation(const std::string& name);  // throws ConfigError
std::string activation_name(Activation a);
// Names accepted by the fused `activation` option.
const std::vector<std::string>& activation_names();

// y = f(z) in place over `rows` rows of `cols` values (softmax normalises each row).
void activation_forward(Activation a, float alpha, float* data, std::size_t rows, std::size_t cols);

// grad <- grad * f'(z), in place, given y = f(z) (softmax: grad <- y * (grad - <grad, y>) per row).
void activation_backward(Activation a, float alpha, const float* y, float* grad, std::size_t rows,
                         std::size_t cols);

// Same, writing into `out` (may equal grad).
void activation_backward(Activation a, float alpha, const float* y, const float* grad, float* out,
                         std::size_t rows, std::size_t cols);

}  // namespace glassbox::layers
