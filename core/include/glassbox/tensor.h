#pragma once
// Tensors are xtensor arrays of float32, batch first (NCHW for images).
// A Shape without the batch axis describes one sample.
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>

namespace glassbox {

using Tensor = xt::xarray<float>;
using Shape = std::vector<std::size_t>;
// All randomness (initializers, shuffling, dropout, noise) comes from one seeded engine
// per model or experiment, so a seed fixes the result.
using Rng = std::mt19937_64;

std::size_t shape_size(const Shape& shape);
std::string shape_to_string(const Shape& shape);
// Shape of a batch of `batch` samples of `sample` shape.
Shape batch_shape(std::size_t batch, const Shape& sample);

}  // namespace glassbox
