#pragma once
// Sums over float buffers with independent vector accumulators. A plain loop is one
// serial chain of dependent adds (the compiler may not reorder float sums), about 4
// cycles per element: over a conv layer's 43,264 values per filter that was half a
// millisecond of W2's backward pass.
#include <cstddef>

namespace glassbox::layers {

float vector_sum(const float* x, std::size_t n);
float vector_dot(const float* x, const float* y, std::size_t n);
// sum of (x - mean)^2
float vector_squared_deviation(const float* x, float mean, std::size_t n);

}  // namespace glassbox::layers
