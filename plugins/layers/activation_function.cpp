#include "glassbox/softmax.h"
#include "activation_function.h"

#include <algorithm>
#include <cmath>

#include "glassbox/error.h"

namespace glassbox::layers {

namespace {
[[noreturn]] void no_implementation() {
  throw Error("activation 'other' is a plugin's own: the built-in layers have no implementation of it");
}
}  // namespace

void activation_forward(Activation a, float alpha, float* data, std::size_t rows, std::size_t cols) {
  const std::size_t n = rows * cols;
  switch (a) {
    case Activation::other:
      no_implementation();
    case Activation::linear:
      return;
    case Activation::relu:
      for (std::size_t i = 0; i < n; ++i) data[i] = data[i] > 0.0f ? data[i] : 0.0f;
      return;
    case Activation::leaky_relu:
      for (std::size_t i = 0; i < n; ++i) data[i] = data[i] > 0.0f ? data[i] : alpha * data[i];
      return;
    case Activation::sigmoid:
      // 1 / (1 + e^-z) saturates to exactly 0 or 1 in float without overflow trouble:
      // e^-z = inf gives 0.
      for (std::size_t i = 0; i < n; ++i) data[i] = 1.0f / (1.0f + std::exp(-data[i]));
      return;
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) data[i] = std::tanh(data[i]);
      return;
    case Activation::softmax:
      softmax_rows<float>(data, data, rows, cols);
      return;
  }
}

void activation_backward(Activation a, float alpha, const float* y, const float* grad, float* out,
                         std::size_t rows, std::size_t cols) {
  const std::size_t n = rows * cols;
  switch (a) {
    case Activation::other:
      no_implementation();
    case Activation::linear:
      if (out != grad) std::copy(grad, grad + n, out);
      return;
    case Activation::relu:
      for (std::size_t i = 0; i < n; ++i) out[i] = y[i] > 0.0f ? grad[i] : 0.0f;
      return;
    case Activation::leaky_relu:
      // y > 0 exactly when z > 0, for a positive alpha.
      for (std::size_t i = 0; i < n; ++i) out[i] = y[i] > 0.0f ? grad[i] : alpha * grad[i];
      return;
    case Activation::sigmoid:
      for (std::size_t i = 0; i < n; ++i) out[i] = grad[i] * y[i] * (1.0f - y[i]);
      return;
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) out[i] = grad[i] * (1.0f - y[i] * y[i]);
      return;
    case Activation::softmax:
      for (std::size_t r = 0; r < rows; ++r) {
        const float* yr = y + r * cols;
        const float* gr = grad + r * cols;
        float* o = out + r * cols;
        float dot = 0.0f;
        for (std::size_t j = 0; j < cols; ++j) dot += gr[j] * yr[j];
        for (std::size_t j = 0; j < cols; ++j) o[j] = yr[j] * (gr[j] - dot);
      }
      return;
  }
}

void activation_backward(Activation a, float alpha, const float* y, float* grad, std::size_t rows,
                         std::size_t cols) {
  activation_backward(a, alpha, y, grad, grad, rows, cols);
}

}  // namespace glassbox::layers
