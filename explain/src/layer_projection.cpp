#include "glassbox/explain/layer_projection.h"

#include <algorithm>
#include <chrono>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/sample_split.h"
#include "section_value.h"

namespace glassbox::explain {

using nlohmann::json;

ProjectionOptions ProjectionOptions::from_json(const json& s, const std::string& where) {
  ProjectionOptions o;
  validate_section(s, "projection", where);  // keys, types and ranges, as in an experiment file
  o.enabled = section_value<bool>(s, "enabled", o.enabled);
  o.samples = section_value<std::size_t>(s, "samples", o.samples);
  o.unseen_samples = section_value<std::size_t>(s, "unseen_samples", o.unseen_samples);
  o.components = section_value<std::size_t>(s, "components", o.components);
  o.batch_size = section_value<std::size_t>(s, "batch_size", o.batch_size);
  o.seed = section_value<std::uint64_t>(s, "seed", o.seed);
  o.include_input = section_value<bool>(s, "include_input", o.include_input);
  o.include_reshape = section_value<bool>(s, "include_reshape", o.include_reshape);
  o.plots = section_value<bool>(s, "plots", o.plots);
  return o;
}

namespace {

// Each layer's activations of the inputs are kept (and a centred copy while its axes are
// fitted): 4096 inputs of a 32 x 26 x 26 conv layer are 350 MB of floats.
constexpr std::size_t kMaxInputs = 4096;

// A seeded subset of `limit` indices of n (all when limit is 0), ascending.
std::vector<std::size_t> subset(std::size_t n, std::size_t limit, std::uint64_t seed) {
  std::vector<std::size_t> idx = shuffled_indices(n, seed);
  if (limit && idx.size() > limit) idx.resize(limit);
  std::sort(idx.begin(), idx.end());
  return idx;
}

}  // namespace

ProjectionStudy layer_projections(MyDeepLearning& model, const LabeledData& heldout, const LabeledData* unseen,
                                  const ProjectionOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  ProjectionStudy s;
  s.options = options;
  s.inputs = subset(heldout.size(), options.samples, options.seed);
  if (s.inputs.size() > kMaxInputs)
    throw ConfigError("projection: samples 0 takes every one of the " + std::to_string(s.inputs.size()) +
                      " held-out inputs, more than " + std::to_string(kMaxInputs) + "; set samples");
  if (s.inputs.size() < 3)
    throw DataError("projection: needs at least 3 held-out inputs, got " + std::to_string(s.inputs.size()));
  for (std::size_t i : s.inputs) s.labels.push_back(heldout.label(i));
  s.class_names = heldout.class_names();
  const bool has_unseen = unseen && unseen->size() > 0;
  if (has_unseen) {
    s.unseen_inputs = subset(unseen->size(), options.unseen_samples, options.seed + 1);
    if (s.unseen_inputs.size() > kMaxInputs)
      throw ConfigError("projection: unseen_samples 0 takes every one of the " + std::to_string(s.unseen_inputs.size()) +
                        " unseen inputs, more than " + std::to_string(kMaxInputs) + "; set unseen_samples");
    for (std::size_t i : s.unseen_inputs) {
      const int c = unseen->original_label(i);
      s.unseen_labels.push_back(c);
      const auto& names = unseen->source_class_names();
      const std::string name = c >= 0 && static_cast<std::size_t>(c) < names.size() ? names[c] : std::to_string(c);
      if (std::find(s.unseen_names.begin(), s.unseen_names.end(), name) == s.unseen_names.end())
        s.unseen_names.push_back(name);
    }
  }
  SimilarityOptions which;
  which.include_input = options.include_input;
  which.include_reshape = options.include_reshape;
  const std::vector<SimilarityLayer> layers = similarity_layers(model, which);
  const auto acts = layer_activations(model, layers, heldout.batch(s.inputs), options.batch_size);
  std::vector<std::vector<float>> unseen_acts;
  if (has_unseen) unseen_acts = layer_activations(model, layers, unseen->batch(s.unseen_inputs), options.batch_size);
  const std::size_t n = s.inputs.size();
  for (std::size_t p = 0; p < layers.size(); ++p) {
    LayerProjection lp;
    lp.layer = layers[p];
    const std::size_t k = std::min({options.components, layers[p].features, n - 1});
    lp.pca = fit_pca(acts[p].data(), n, layers[p].features, k);
    lp.coords = lp.pca.project(acts[p].data(), n);
    if (has_unseen) lp.unseen_coords = lp.pca.project(unseen_acts[p].data(), s.unseen_inputs.size());
    s.layers.push_back(std::move(lp));
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace glassbox::explain
