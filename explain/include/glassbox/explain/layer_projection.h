#pragma once
// Where inputs sit, layer by layer: per layer a PCA of the activations of held-out inputs
// of the trained classes, and the inputs of unseen classes projected onto the same axes
// ("does the network put the 2s between the 1s and the 3s, and from which layer on?").
// Written as projection.json, one .npy of coordinates per layer and set, and a scatter
// plot per layer (docs/signatures.md, "Projections").
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/explain/layer_similarity.h"
#include "glassbox/explain/pca.h"
#include "glassbox/model.h"

namespace glassbox::explain {

struct ProjectionOptions {
  bool enabled = true;
  std::size_t samples = 1000;         // held-out inputs the axes are fitted on (a seeded subset; 0 = all)
  std::size_t unseen_samples = 500;   // unseen-class inputs projected (0 = all)
  std::size_t components = 10;        // axes per layer (fewer when a layer has fewer features);
                                      // the plots show the first two, the page's UMAP uses all
  std::size_t batch_size = 256;       // forward batch
  std::uint64_t seed = 1;             // which inputs
  bool include_input = true;          // the pixels as layer -1
  bool include_reshape = false;       // flatten / reshape / dropout repeat their input
  bool plots = true;

  // From an experiment's "projection" section. Every key is checked against the
  // experiment schema's projection.* keys (type and range; validate_section): ConfigError
  // naming `where`.key. An absent or null key keeps the default above.
  static ProjectionOptions from_json(const nlohmann::json& section, const std::string& where);
};

struct LayerProjection {
  SimilarityLayer layer;
  Pca pca;
  std::vector<double> coords;         // fitted inputs x components, row-major
  std::vector<double> unseen_coords;  // unseen inputs x components
};

struct ProjectionStudy {
  ProjectionOptions options;
  std::string split = "test";              // the held-out data's split, as the inspector names it
  std::vector<std::size_t> inputs;         // indices into the held-out data, ascending
  std::vector<int> labels;                 // their classes (the model's numbering)
  std::vector<std::string> class_names;
  std::vector<std::size_t> unseen_inputs;  // indices into the unseen data, ascending
  std::vector<int> unseen_labels;          // their classes in the source dataset's numbering
  std::vector<std::string> unseen_names;   // names of unseen_labels' values, by first appearance
  std::vector<LayerProjection> layers;
  double seconds = 0;
};

// `unseen` may be null or empty. Throws DataError when fewer than 3 held-out inputs are
// given (two axes need three points).
ProjectionStudy layer_projections(MyDeepLearning& model, const LabeledData& heldout, const LabeledData* unseen,
                                  const ProjectionOptions& options);

// projection.json: options, the inputs, and per layer its name, features, variance ratios
// and the arrays' and plots' file names.
nlohmann::json layer_projection_json(const ProjectionStudy& s);
// DIR/projection.json, DIR/projection/arrays/{inputs,labels,unseen_inputs,unseen_labels}.npy,
// DIR/projection/arrays/<layer>.coords.npy (+ <layer>.unseen.npy) and, with plots,
// DIR/projection/plots/<layer>.png.
void write_layer_projections(const ProjectionStudy& s, const std::string& dir);
// Per layer the share of variance along the axes, and how far the unseen inputs' centre
// sits from each class's centre (in units of the axes' spread).
std::string layer_projection_report(const ProjectionStudy& s);

}  // namespace glassbox::explain
