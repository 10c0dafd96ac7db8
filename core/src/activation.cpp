#include "glassbox/activation.h"

#include "enum_names.h"
#include "glassbox/error.h"

namespace glassbox {

const std::vector<std::string>& fused_activation_names() {
  static const std::vector<std::string> names{"linear", "relu", "leaky_relu", "sigmoid", "tanh", "softmax"};
  return names;
}

namespace {
constexpr detail::EnumName<Activation> kNames[] = {
    {Activation::linear, "linear"},   {Activation::relu, "relu"},       {Activation::leaky_relu, "leaky_relu"},
    {Activation::sigmoid, "sigmoid"}, {Activation::tanh, "tanh"},       {Activation::softmax, "softmax"},
    {Activation::other, "other"}};
}  // namespace

std::string to_string(Activation a) { return detail::enum_name(kNames, a, "other"); }

Activation activation_from_string(const std::string& text) {
  Activation a = Activation::linear;
  if (text.empty() || detail::enum_value(kNames, text, a)) return a;
  throw ConfigError("unknown activation '" + text + "' (known: " + [] {
    std::string s;
    for (const std::string& n : fused_activation_names()) s += (s.empty() ? "" : ", ") + n;
    return s;
  }() + ")");
}

}  // namespace glassbox
