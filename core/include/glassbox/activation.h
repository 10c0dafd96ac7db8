#pragma once
// The activation a layer applies pointwise to its output: a typed value, so explainers,
// losses and the inspector compare enums, not strings. The names are the ones used in
// layer configs ("activation": "relu") and written to files.
#include <string>
#include <vector>

namespace glassbox {

enum class Activation {
  linear,      // none: y = z
  relu,        // max(z, 0)
  leaky_relu,  // z > 0 ? z : alpha z
  sigmoid,     // 1 / (1 + e^-z)
  tanh,        // tanh(z)
  softmax,     // e^z_j / sum_k e^z_k over each sample's last axis
  other        // a plugin's own nonlinearity glassbox does not know (e.g. a fused swish)
};

// "linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax", "other".
std::string to_string(Activation a);

// The inverse of to_string; "" reads as linear. Throws ConfigError naming `text` and the
// known names.
Activation activation_from_string(const std::string& text);

// The names a layer's fused `activation` option accepts (every value but `other`).
const std::vector<std::string>& fused_activation_names();

// True for sigmoid and softmax: a layer ending in one outputs probabilities, not logits.
inline bool gives_probabilities(Activation a) { return a == Activation::sigmoid || a == Activation::softmax; }

}  // namespace glassbox
