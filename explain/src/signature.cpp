#include "glassbox/explain/signature.h"

#include "glassbox/error.h"

namespace glassbox::explain {

std::string to_string(FeatureKind kind) { return kind == FeatureKind::channel ? "channel" : "neuron"; }

std::vector<double> LayerSignature::firing_rate(std::size_t c) const {
  std::vector<double> r(features, 0.0);
  const auto n = moments[c].count();
  if (n == 0) return r;
  for (std::size_t j = 0; j < features; ++j)
    r[j] = static_cast<double>(fire_counts[c][j]) / static_cast<double>(n);
  return r;
}

std::vector<double> LayerSignature::overall_firing_rate() const {
  std::vector<double> r(features, 0.0);
  std::int64_t n = 0;
  for (std::size_t c = 0; c < moments.size(); ++c) {
    n += moments[c].count();
    for (std::size_t j = 0; j < features; ++j) r[j] += static_cast<double>(fire_counts[c][j]);
  }
  if (n > 0)
    for (auto& v : r) v /= static_cast<double>(n);
  return r;
}

BitPattern LayerSignature::majority_pattern(std::size_t c) const {
  BitPattern p(features);
  const auto rate = firing_rate(c);
  for (std::size_t j = 0; j < features; ++j)
    if (rate[j] > 0.5) p.set(j);
  return p;
}

BitPattern LayerSignature::binarize(const float* peaks, const float* cells) const {
  if (grid == 0 || cells == nullptr) {
    BitPattern p(features);
    for (std::size_t j = 0; j < features; ++j)
      if (peaks[j] > thresholds[j]) p.set(j);
    return p;
  }
  const std::size_t per_channel = grid * grid;
  BitPattern p(features * per_channel);
  for (std::size_t c = 0; c < features; ++c)
    for (std::size_t q = 0; q < per_channel; ++q)
      if (cells[c * per_channel + q] > cell_thresholds[c]) p.set(c * per_channel + q);
  return p;
}

std::size_t Signatures::position_of(int layer_index) const {
  for (std::size_t p = 0; p < layers.size(); ++p)
    if (layers[p].index == layer_index) return p;
  throw Error("signatures: layer " + std::to_string(layer_index) + " was not recorded");
}

std::string Signatures::layer_label(std::size_t position) const {
  const auto& l = layers.at(position);
  if (l.index < 0) return "input";
  return l.name;
}

}  // namespace glassbox::explain
