#pragma once
// Pointwise activation functions on raw float buffers, shared by the activation layers
// and the fused `activation` option of dense/conv2d. Every derivative is computed from
// the activation's OUTPUT y (relu: y > 0, sigmoid: y(1-y), tanh: 1-y^2, softmax's
// Jacobian-vector product), so a layer keeps only its output for backward.
// The Activation values and their names are in glassbox/activation.h; Activation::other
// has no implementation here (no built-in layer holds it) and throws Error.
#include <cstddef>

#include "glassbox/activation.h"

namespace glassbox::layers {

// y = f(z) in place over `rows` rows of `cols` values (softmax normalises each row).
void activation_forward(Activation a, float alpha, float* data, std::size_t rows, std::size_t cols);

// grad <- grad * f'(z), in place, given y = f(z) (softmax: grad <- y * (grad - <grad, y>) per row).
void activation_backward(Activation a, float alpha, const float* y, float* grad, std::size_t rows,
                         std::size_t cols);

// Same, writing into `out` (may equal grad).
void activation_backward(Activation a, float alpha, const float* y, const float* grad, float* out,
                         std::size_t rows, std::size_t cols);

}  // namespace glassbox::layers
