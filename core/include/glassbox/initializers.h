#pragma once
// Weight initializers by name, Keras-style. fan_in/fan_out are the number of inputs and
// outputs of one unit: Dense (in, out); Conv2D (C*kh*kw, F*kh*kw).
//
//   glorot_uniform  U(-l, l), l = sqrt(6 / (fan_in + fan_out))       (the default)
//   glorot_normal   truncated N(0, s), s = sqrt(2 / (fan_in + fan_out)) / .8796
//   he_normal       truncated N(0, s), s = sqrt(2 / fan_in) / .8796
//   he_uniform      U(-l, l), l = sqrt(6 / fan_in)
//   zeros, ones
//
// The truncated normals resample draws beyond two standard deviations and divide the
// standard deviation by .87962566 (the std of a unit normal truncated at +-2), as Keras
// does, so the resulting variance is the intended one.
#include <cstddef>
#include <string>
#include <vector>

#include "glassbox/tensor.h"

namespace glassbox {

// Names accepted by initialize(), in a fixed order (for forms and error messages).
const std::vector<std::string>& initializer_names();
bool is_initializer(const std::string& name);

// Fills `values` in place. Throws ConfigError naming the known initializers when `name`
// is unknown.
void initialize(Tensor& values, const std::string& name, std::size_t fan_in,
                std::size_t fan_out, Rng& rng);

}  // namespace glassbox
