// Sharded signatures: the per-class accumulators of a signature pass as numbers, and
// their merge (signature_builder.h). Every accumulator merges exactly as its own merge()
// says (Chan et al. for moments, sums for counts, re-centred sums for the covariance).
#include <string>

#include "glassbox/error.h"
#include "glassbox/explain/signature_builder.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

json layer_state(const LayerSignature& l) {
  json moments = json::array(), peaks = json::array(), patterns = json::array();
  for (const auto& m : l.moments) moments.push_back(m.state());
  for (const auto& m : l.peak_moments) peaks.push_back(m.state());
  for (const auto& p : l.patterns) patterns.push_back(p.state());
  return {{"index", l.index}, {"moments", moments}, {"peak_moments", peaks}, {"fire_counts", l.fire_counts},
          {"patterns", patterns}, {"covariance", l.covariance.state()}};
}

template <class T>
void merge_each(std::vector<T>& into, const json& states, bool first, const std::string& what) {
  if (states.size() != into.size()) throw Error("signature merge: " + what + " counts differ");
  for (std::size_t c = 0; c < into.size(); ++c) {
    T other = T::from_state(states[c]);
    if (first)
      into[c] = std::move(other);
    else
      into[c].merge(other);
  }
}

void merge_layer(LayerSignature& l, const json& s, bool first) {
  if (s.at("index").get<int>() != l.index) throw Error("signature merge: the recorded layers differ");
  merge_each(l.moments, s.at("moments"), first, "moment");
  merge_each(l.peak_moments, s.at("peak_moments"), first, "peak moment");
  merge_each(l.patterns, s.at("patterns"), first, "pattern");
  const auto counts = s.at("fire_counts").get<std::vector<std::vector<std::int64_t>>>();
  if (counts.size() != l.fire_counts.size()) throw Error("signature merge: firing counts differ");
  for (std::size_t c = 0; c < counts.size(); ++c) {
    if (counts[c].size() != l.fire_counts[c].size()) throw Error("signature merge: firing counts differ");
    for (std::size_t j = 0; j < counts[c].size(); ++j)
      l.fire_counts[c][j] = (first ? 0 : l.fire_counts[c][j]) + counts[c][j];
  }
  SharedCovariance cov = SharedCovariance::from_state(s.at("covariance"));
  if (first)
    l.covariance = std::move(cov);
  else
    l.covariance.merge(cov);
}

}  // namespace

json signature_accumulators(const Signatures& s) {
  json layers = json::array();
  for (const auto& l : s.layers) layers.push_back(layer_state(l));
  return {{"samples", s.samples}, {"class_counts", s.class_counts}, {"layers", layers}};
}

void merge_signature_accumulators(Signatures& into, const json& state, bool first) {
  try {
    const auto counts = state.at("class_counts").get<std::vector<std::int64_t>>();
    if (counts.size() != into.class_counts.size() || state.at("layers").size() != into.layers.size())
      throw Error("signature merge: the signatures were built for other classes or layers");
    into.samples = (first ? 0 : into.samples) + state.at("samples").get<std::int64_t>();
    for (std::size_t c = 0; c < counts.size(); ++c) into.class_counts[c] = (first ? 0 : into.class_counts[c]) + counts[c];
    for (std::size_t p = 0; p < into.layers.size(); ++p) merge_layer(into.layers[p], state.at("layers")[p], first);
  } catch (const json::exception& e) {
    throw Error(std::string("signature merge: malformed accumulators: ") + e.what());
  }
}

}  // namespace glassbox::explain
