#pragma once
// The whole signature analysis of a trained model, as `glassbox signatures` and the
// "signatures" section of an experiment run it:
//   1. build signatures on the fit data (the training classes),
//   2. fit a linear probe per layer on the fit data (layer_probes.h) and score it on the
//      held-out inputs; probe held-out inputs of those classes (separability, divergence
//      layers, decided by the linear probes),
//   3. probe inputs of unseen classes (novelty per layer against the held-out inputs),
//   4. relevance-weighted paths per class and relevance maps of unseen inputs per output,
//   5. write signatures.json (docs/signatures.md), .npy arrays and PNG plots, and a short
//      text report answering: which neurons fire for which class and what happens to the
//      unseen inputs (a), characteristic signatures (b), from which layer classes
//      separate (c).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/explain/layer_probes.h"
#include "glassbox/explain/relevance_paths.h"
#include "glassbox/explain/separability.h"
#include "glassbox/explain/signature.h"
#include "glassbox/explain/signature_probe.h"
#include "glassbox/explain/unseen_classes.h"
#include "glassbox/model.h"

namespace glassbox::explain {

struct SignatureStudyOptions {
  SignatureOptions signature;
  double separability_threshold = 0.95;  // pairwise nearest-centroid accuracy for divergence
  double shrinkage = 0.1;                // Mahalanobis covariance shrinkage
  std::size_t heldout_limit = 0;         // 0 = every held-out input
  std::size_t unseen_limit = 0;          // 0 = every unseen input
  bool relevance = true;                 // relevance paths and unseen relevance maps (LRP)
  std::string composite = "epsilon-plus";
  std::size_t relevance_samples = 64;    // inputs averaged per class / unseen group
  bool plots = true;
  bool linear_probes = true;             // fit a linear probe per layer (decides divergence)
  LinearProbeOptions probe;
  // Not read from JSON: the replicas the signature pass (build_signatures) and the linear
  // probes (fit_layer_probes) are sharded over; null for one process. The other analyses
  // run alike on every replica.
  ReplicaGroup* replicas = nullptr;

  // From an experiment's "signatures" section or CLI options. Every key is checked against
  // the experiment schema's signatures.* keys (core/src/experiment_schema.cpp: type and
  // range; validate_section), and conv_firing against its two values: ConfigError naming
  // `where`.key. An absent or null key keeps the default above.
  static SignatureStudyOptions from_json(const nlohmann::json& section, const std::string& where);
};

struct SignatureStudy {
  SignatureStudyOptions options;
  Signatures signatures;
  Probe heldout;
  std::optional<Probe> unseen;
  Separability separability;
  std::optional<LayerProbes> linear_probes;   // when options.linear_probes
  std::vector<UnseenGroup> unseen_groups;
  std::vector<RelevancePath> class_paths;     // one per class, explaining its own output
  std::vector<RelevancePath> unseen_paths;    // per unseen group x output
  std::vector<std::string> source_class_names;
  double heldout_accuracy = 0;                // the model's own accuracy on the held-out inputs
  double seconds_signatures = 0, seconds_probes = 0, seconds_relevance = 0, seconds_linear_probes = 0;
  std::string relevance_error;                // why relevance was skipped, if it was
};

// `unseen` may be null or empty. `source_class_names` names source labels (for the unseen
// classes); when empty, the numbers are used.
SignatureStudy run_signature_study(MyDeepLearning& model, const LabeledData& fit, const LabeledData& heldout,
                                   const LabeledData* unseen, const std::vector<std::string>& source_class_names,
                                   const SignatureStudyOptions& options);

// signatures.json as documented in docs/signatures.md.
nlohmann::json signature_study_json(const SignatureStudy& study);
// Writes DIR/signatures.json, DIR/signatures/arrays/*.npy and DIR/signatures/plots/*.png.
void write_signature_study(const SignatureStudy& study, const std::string& dir);
// The short readable report (answers a, b, c with figures).
std::string signature_report(const SignatureStudy& study);

}  // namespace glassbox::explain
