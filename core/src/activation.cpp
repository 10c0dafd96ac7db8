#include "glassbox/activation.h"

#include "glassbox/error.h"

namespace glassbox {

const std::vector<std::string>& fused_activation_names() {
  static const std::vector<std::string> names{"linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"};
  return names;
}

std::string to_string(Activation a) {
  switch (a) {
    case Activation::linear: return "linear";
    case Activation::relu: return "relu";
    case Activation::leaky_relu: return "leaky_relu";
    case Activation::sigmoid: return "sigmoid";
    case Activation::tanh: return "tanh";
    case Activation::softmax: return "softmax";
    case Activation::other: return "other";
  }
  return "other";
}

Activation activation_from_string(const std::string& text) {
  if (text.empty()) return Activation::linear;
  for (Activation a : {Activation::linear, Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                       Activation::tanh, Activation::softmax, Activation::other})
    if (to_string(a) == text) return a;
  throw ConfigError("unknown activation '" + text + "' (known: linear, relu, leaky_relu, sigmoid, tanh, softmax)");
}

}  // namespace glassbox
