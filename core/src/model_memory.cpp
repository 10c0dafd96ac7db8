#include "glassbox/model_memory.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "glassbox/error.h"
#include "glassbox/model.h"

namespace glassbox {

namespace {

constexpr double kFloat = sizeof(float);

double elements(const Shape& s) {
  double n = 1;
  for (std::size_t d : s) n *= static_cast<double>(d);
  return n;
}

std::string layer_text(const LayerMemory& l) {
  return "model.layers." + std::to_string(l.index) + " '" + l.name + "' (" + l.type + ")";
}

std::string limit_text() { return bytes_text(static_cast<double>(max_model_bytes())); }

}  // namespace

std::size_t max_model_bytes() {
  constexpr std::size_t kDefault = std::size_t(2) << 30;
  const char* env = std::getenv("GLASSBOX_MAX_MODEL_BYTES");
  if (!env || !*env || env[0] == '-') return kDefault;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(env, &end, 10);
  if (*end != '\0' || v == 0) return kDefault;  // malformed: keep the default
  return static_cast<std::size_t>(v);
}

std::string bytes_text(double bytes) {
  char buf[64];
  if (bytes < double(1 << 20)) std::snprintf(buf, sizeof buf, "%.0f bytes", bytes);
  else if (bytes < double(1 << 30)) std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / double(1 << 20));
  else std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1 << 30));
  return buf;
}

ModelMemory estimate_training_memory(const MyDeepLearning& model, std::size_t batch_size) {
  ModelMemory m;
  m.batch_size = batch_size;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Layer& layer = model.layer(i);
    LayerMemory l;
    l.index = i;
    l.name = layer.name();
    l.type = layer.type();
    for (const auto& p : layer.params()) l.param_bytes += 2 * kFloat * static_cast<double>(p.value->size());
    l.activation_bytes = kFloat * static_cast<double>(batch_size) *
                         (elements(model.layer_output_shape(i)) + elements(model.layer_input_shape(i)));
    m.param_bytes += l.param_bytes;
    m.activation_bytes += l.activation_bytes;
    m.layers.push_back(l);
  }
  return m;
}

void check_training_memory(const MyDeepLearning& model, std::size_t batch_size, const std::string& source) {
  const ModelMemory m = estimate_training_memory(model, batch_size);
  const double limit = static_cast<double>(max_model_bytes());
  if (m.total() <= limit || m.layers.empty()) return;
  const std::string hint = " (GLASSBOX_MAX_MODEL_BYTES raises it)";
  if (m.param_bytes > limit) {
    const auto& big = *std::max_element(m.layers.begin(), m.layers.end(), [](const auto& a, const auto& b) {
      return a.param_bytes < b.param_bytes;
    });
    throw ConfigError(source + ": " + layer_text(big) + ": its parameters need " + bytes_text(big.param_bytes) +
                      " with their gradients, the model's " + bytes_text(m.param_bytes) + ", over the limit of " +
                      limit_text() + hint);
  }
  const auto& big = *std::max_element(m.layers.begin(), m.layers.end(), [](const auto& a, const auto& b) {
    return a.activation_bytes < b.activation_bytes;
  });
  throw ConfigError(source + ": train.batch_size: at batch size " + std::to_string(batch_size) +
                    " training needs " + bytes_text(m.total()) + " (parameters " + bytes_text(m.param_bytes) +
                    ", activations " + bytes_text(m.activation_bytes) + "; the largest, " + layer_text(big) +
                    " with output " + shape_to_string(model.layer_output_shape(big.index)) + ", " +
                    bytes_text(big.activation_bytes) + "), over the limit of " + limit_text() + hint +
                    "; a smaller batch size needs less");
}

}  // namespace glassbox
