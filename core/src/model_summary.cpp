// MyDeepLearning::summary(): the Keras-like table of layers, output shapes and parameters
// (and, for a graph, what each layer is connected to).
#include <iomanip>
#include <sstream>

#include "model_impl.h"

namespace glassbox {

namespace {

std::string batch_shape_text(const Shape& s) {
  std::ostringstream o;
  o << "(None";
  for (auto d : s) o << ", " << d;
  o << ")";
  return o.str();
}

std::string with_commas(std::size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  else s += ' ';
  return s;
}

}  // namespace

std::string MyDeepLearning::summary() {
  auto& im = *impl_;
  // A graph gets Keras' functional table: a fourth column with each layer's inputs.
  constexpr std::size_t w1 = 34, w2 = 24, w3 = 12, w4 = 30;
  const std::size_t width = w1 + w2 + w3 + (im.graph ? w4 : 0);
  const std::string rule(width, '_'), thick(width, '=');
  std::ostringstream o;
  o << "Model: \"" << (im.graph ? "functional" : "sequential") << "\"\n" << rule << "\n";
  o << pad(" Layer (type)", w1) << pad("Output Shape", w2) << (im.graph ? pad("Param #", w3) + "Connected to" : "Param #")
    << "\n" << thick << "\n";
  std::size_t total = 0, trainable = 0;
  for (std::size_t i = 0; i < im.layers.size(); ++i) {
    const Layer& l = *im.layers[i];
    std::size_t count = 0, count_trainable = 0;
    if (im.built)
      for (auto& p : l.params()) {
        count += p.value->size();
        if (p.trainable) count_trainable += p.value->size();
      }
    total += count;
    trainable += count_trainable;
    std::string label = " " + l.name() + " (" + l.type() + ")";
    if (l.activation() != Activation::linear) label += " +" + to_string(l.activation());
    o << pad(label, w1) << pad(im.built ? batch_shape_text(im.out_shapes[i]) : "?", w2);
    if (im.graph) {
      std::string connected;
      for (const auto& name : layer_input_names(i)) connected += (connected.empty() ? "" : ", ") + name;
      o << pad(with_commas(count), w3) << connected << "\n";
    } else {
      o << with_commas(count) << "\n";
    }
    if (i + 1 < im.layers.size()) o << "\n";
  }
  o << thick << "\n";
  o << "Total params: " << with_commas(total) << "\n";
  o << "Trainable params: " << with_commas(trainable) << "\n";
  o << "Non-trainable params: " << with_commas(total - trainable) << "\n";
  if (!im.built) o << "(not built: shapes and parameters appear after build(input_shape))\n";
  o << rule << "\n";
  return o.str();
}

}  // namespace glassbox
