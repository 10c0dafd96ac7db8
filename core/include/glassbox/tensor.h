#pragma once
// Tensors are xtensor arrays of float32, batch first (NCHW for images).
// A Shape without the batch axis describes one sample.
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <xsimd/memory/xsimd_aligned_allocator.hpp>
#include <xtensor/xarray.hpp>

namespace glassbox {

// The tensor type is spelled out in full. xt::xarray<float>'s default allocator follows
// the compiler flags (its alignment is the widest SIMD register -march enables, and it is
// std::allocator without XTENSOR_USE_XSIMD), so the library, a plugin and an embedding
// program compiled with different flags would each see a different type and fail to link
// (or, for a plugin, corrupt memory). Here nothing depends on flags: 64-byte aligned float
// storage (enough for AVX-512), row-major, and the 4-element inline shape.
constexpr std::size_t kTensorAlignment = 64;
using TensorAllocator = xsimd::aligned_allocator<float, kTensorAlignment>;
using TensorShape = xt::svector<std::size_t, 4, std::allocator<std::size_t>, true>;
using Tensor = xt::xarray_container<xt::uvector<float, TensorAllocator>, xt::layout_type::row_major, TensorShape>;
using Shape = std::vector<std::size_t>;
// All randomness (initializers, shuffling, dropout, noise) comes from one seeded engine
// per model or experiment, so a seed fixes the result.
using Rng = std::mt19937_64;

std::size_t shape_size(const Shape& shape);
std::string shape_to_string(const Shape& shape);
// Shape of a batch of `batch` samples of `sample` shape.
Shape batch_shape(std::size_t batch, const Shape& sample);
// The shape of `t`.
Shape shape_of(const Tensor& t);
// The shape of one sample of a batch (N, ...): `batch`'s shape without its first axis
// (empty for a tensor without axes).
Shape sample_shape_of(const Tensor& batch);

}  // namespace glassbox
