#pragma once
// Layer similarity by linear CKA, centred kernel alignment (Kornblith et al. 2019,
// "Similarity of neural network representations revisited"): which layers represent the
// same inputs alike, within one model and between the same layers of two models (e.g. two
// training seeds).
//
//   CKA(X, Y) = <Kc, Lc>_F / (|Kc|_F |Lc|_F),   Kc = H X X^T H,   Lc = H Y Y^T H,
//
// X (n x p) and Y (n x q) hold the activations of two layers for the SAME n inputs, one
// flattened input per row; H = I - 11^T / n centres. Kc = Xc Xc^T with Xc the
// column-centred X, so CKA = |Xc^T Yc|_F^2 / (|Xc^T Xc|_F |Yc^T Yc|_F). It is 1 for identical
// representations, invariant to orthogonal transforms and to isotropic scaling of either
// side (not to arbitrary invertible maps), and lies in [0, 1]. This is the paper's biased
// HSIC estimator; it is NaN when a layer does not vary over the inputs (|Kc| = 0).
//
// Computed in the Gram form: each layer's centred Gram matrix (n x n doubles) comes from
// its column-centred activations (means in double) by one dsyrk (OpenBLAS), whatever the
// layer's width; each pair then costs one n^2 inner product. Memory: n^2 doubles per layer
// kept, plus the inputs' activations of every layer as floats while they are gathered. The
// feature form would need p x q cross-covariances (5408 x 5408 for a first conv layer).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/model.h"

namespace glassbox::explain {

class CenteredGram {
 public:
  // n rows of `features` floats (row-major). requires n >= 1, features >= 1.
  CenteredGram(const float* x, std::size_t n, std::size_t features);
  std::size_t size() const { return n_; }
  double norm() const { return norm_; }                // Frobenius norm of Kc
  const std::vector<double>& values() const { return k_; }  // n x n, both triangles

 private:
  std::size_t n_;
  std::vector<double> k_;
  double norm_ = 0;
};

// CKA of two layers' Gram matrices on the same inputs; throws Error when the sizes differ.
double cka(const CenteredGram& a, const CenteredGram& b);
// CKA of X (n x p) and Y (n x q), row-major floats.
double linear_cka(const float* x, std::size_t p, const float* y, std::size_t q, std::size_t n);

struct SimilarityOptions {
  bool enabled = true;
  std::size_t samples = 1024;      // inputs compared (a seeded random subset); 0 = all
  std::size_t batch_size = 256;    // forward batch
  std::uint64_t seed = 1;          // which inputs
  bool include_input = true;       // the input as layer -1
  bool include_reshape = false;    // flatten / reshape / dropout repeat their input
  std::string compare_model;       // a second model folder to compare layer by layer ("" none)
  bool plots = true;

  // From an experiment's "similarity" section or `--set` options. Every key is checked
  // against the experiment schema's similarity.* keys (type and range; validate_section):
  // ConfigError naming `where`.key. An absent or null key keeps the default above.
  static SimilarityOptions from_json(const nlohmann::json& section, const std::string& where);
};

struct SimilarityLayer {
  int index = -1;  // model layer index, -1 for the input
  std::string name, type;
  std::size_t features = 0;
};

struct LayerSimilarity {
  SimilarityOptions options;
  std::size_t samples = 0;
  std::vector<SimilarityLayer> layers;           // of the model
  std::vector<std::vector<double>> cka;          // layers x layers, symmetric, diagonal 1
  std::vector<SimilarityLayer> other_layers;     // of the compared model (empty: none)
  std::vector<std::vector<double>> cross;        // layers x other_layers
  double seconds = 0;
};

// The layers compared: the input (when asked) and every layer but reshapes and dropouts
// (unless asked) and a final softmax.
std::vector<SimilarityLayer> similarity_layers(const MyDeepLearning& model, const SimilarityOptions& options);

// The activations of `layers` for the inputs x (N, ...), one float matrix (N x features,
// row-major) per layer, the inputs streamed through the model in batches.
std::vector<std::vector<float>> layer_activations(MyDeepLearning& model, const std::vector<SimilarityLayer>& layers,
                                                  const Tensor& x, std::size_t batch_size);

// Centred Gram matrices of `layers` for the inputs x (N, ...), streamed in batches.
std::vector<CenteredGram> layer_grams(MyDeepLearning& model, const std::vector<SimilarityLayer>& layers,
                                      const Tensor& x, std::size_t batch_size);

// Within `model`, and between `model` and `other` (may be null) on the same inputs of
// `data`. `other` must take the same input shape.
LayerSimilarity layer_similarity(MyDeepLearning& model, MyDeepLearning* other, const LabeledData& data,
                                 const SimilarityOptions& options);

// similarity.json (docs/signatures.md, "Layer similarity").
nlohmann::json layer_similarity_json(const LayerSimilarity& s);
// DIR/similarity.json, DIR/similarity/cka.npy (+ cka_models.npy) and, with plots,
// DIR/similarity/cka.png (+ cka_models.png).
void write_layer_similarity(const LayerSimilarity& s, const std::string& dir);
// A short text: per layer its CKA with the previous layer and with the input, and with
// the same layer of the compared model.
std::string layer_similarity_report(const LayerSimilarity& s);

}  // namespace glassbox::explain
