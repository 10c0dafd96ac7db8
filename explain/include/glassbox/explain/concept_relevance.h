#pragma once
// Concept relevance propagation and concept paths (CRP; Achtibat et al. 2023, "From
// attribution maps to human-understandable explanations through concept relevance
// propagation"). A CONCEPT is one channel of a conv layer's output or one neuron of a
// dense layer's output. The concept layers are the layers with parameters whose kind is
// linear, except the last one (the logits), unless named in `layers`.
//
//   conditional heatmap R(x | l, c): the LRP relevance of the explained logit, masked at
//       layer l's output to concept c and propagated to the input with the same composite
//       (lrp.h, ConceptCondition). The conditional heatmaps of all concepts of a layer sum
//       to the unconditional heatmap (every rule is linear in the relevance).
//   concept relevance R_c(x): the relevance on concept c's units for the explained logit;
//       a concept's share of a class = mean over the class's inputs of R_c / mean of the
//       layer's total.
//   path graph of a class: the top_k concepts of each concept layer by mean relevance,
//       and between consecutive concept layers (lower l, upper u) the relevance flowing
//       from upper concept j to lower concept i: the mean R_i at l when the relevance at u
//       is conditioned on j (flow[l][i][j]; its sum over i is R_j minus what the layers
//       between absorb: biases, stabilizers).
//   reference inputs of a concept: the inputs of a pool (held-out inputs, each explained
//       for its own class) with the largest R_c — relevance maximization — and, beside
//       them, those with the largest activation (channel: spatial maximum) for comparison.
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/model.h"
#include "glassbox/tensor.h"

namespace glassbox::explain {

struct ConceptOptions {
  bool enabled = true;
  std::string composite = "epsilon-plus";
  std::size_t samples = 32;          // inputs per class: held-out inputs the model classifies right
  std::size_t top_k = 4;             // concepts per layer in the path graph
  std::size_t references = 6;        // reference inputs per concept
  std::size_t reference_pool = 512;  // held-out inputs searched for references (0: all)
  std::vector<std::string> layers;   // concept layers by name; empty = the default ones
  bool plots = true;

  // From an experiment's "concepts" section or `--set` options. Every key is checked
  // against the experiment schema's concepts.* keys (type and range; validate_section),
  // and the composite by name: ConfigError naming `where`.key. An absent or null key
  // keeps the default above.
  static ConceptOptions from_json(const nlohmann::json& section, const std::string& where);
};

struct ConceptLayer {
  std::size_t index = 0;  // model layer index
  std::string name, type;
  std::size_t concepts = 0;  // channels or neurons
};

// The concept layers: those `names` gives, else every linear layer with parameters but the
// last (the logits); in the model's execution order (for a graph model the order a pass
// runs its nodes, whatever order they are listed in), so the path graph's flows go from
// each concept layer to the next one along the network.
std::vector<ConceptLayer> concept_layers(const MyDeepLearning& model, const std::vector<std::string>& names);

// Relevance per concept of layer relevance rows (rows, C, ...): rows x C sums, double.
std::vector<double> concept_sums(const Tensor& relevance);

// Explains every row of x for its target once per concept of `layer`: row s * concepts + c
// of the result is input s conditioned on concept c.
LrpResult explain_concepts(Lrp& lrp, const Tensor& x, const std::vector<int>& targets, const ConceptLayer& layer);

struct ClassConceptPath {
  int target = 0;
  std::string name;
  std::size_t count = 0;                        // inputs averaged
  double logit = 0;                             // mean explained logit
  std::vector<std::vector<double>> relevance;   // [layer][concept] mean R_c
  std::vector<double> total;                    // [layer] mean relevance of the layer
  std::vector<std::vector<std::size_t>> top;    // [layer] top_k concepts by relevance
  std::vector<std::vector<std::vector<double>>> flow;  // [l][i][j], l = 0..layers-2: lower l, upper l+1
  std::vector<Tensor> heatmaps;                 // [layer] (concepts, ...input): mean conditional heatmaps
  Tensor heatmap;                               // (1, ...input): mean unconditional heatmap
  // [layer] max over inputs of |sum_c R(x|c) - R(x|layer)| / |R(x|layer)| (L2), where
  // R(x|layer) is the relevance through the layer (conditioned on all its concepts): the
  // unconditional R(x) when every path passes through the layer.
  std::vector<double> conservation_error;
  // [layer] mean over inputs of sum R(x|layer) / sum R(x): the share of the input
  // relevance that flows through the layer (1 in a chain; less where a skip connection
  // carries the rest around it).
  std::vector<double> through_share;
};

struct ConceptReference {
  std::vector<std::size_t> by_relevance, by_activation;  // indices into the held-out data
  std::vector<double> relevance, activation;
  Tensor heatmaps;  // (references, ...input): conditional heatmaps of by_relevance
};

struct ConceptStudy {
  ConceptOptions options;
  std::vector<ConceptLayer> layers;
  std::vector<std::string> class_names;
  std::vector<ClassConceptPath> classes;
  std::vector<std::vector<ConceptReference>> references;  // [layer][concept]
  std::size_t pool = 0;                                  // inputs searched for references
  double seconds = 0;
};

// `heldout` carries the model's classes as labels 0..k-1.
ConceptStudy run_concept_study(MyDeepLearning& model, const LabeledData& heldout, const ConceptOptions& options);

// concepts.json (docs/signatures.md, "Concept paths").
nlohmann::json concept_study_json(const ConceptStudy& study);
// DIR/concepts.json, DIR/concepts/arrays/*.npy and, with plots, DIR/concepts/plots/*.png
// (a path graph per class, the top concepts' conditional heatmaps, reference inputs).
void write_concept_study(const ConceptStudy& study, const LabeledData& heldout, const std::string& dir);
// Per class and layer the top concepts and their shares, and the strongest edges.
std::string concept_report(const ConceptStudy& study);

}  // namespace glassbox::explain
