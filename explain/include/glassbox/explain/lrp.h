#pragma once
// Layer-wise Relevance Propagation (Bach et al. 2015; Montavon et al. 2019).
//
//   glassbox::explain::Lrp lrp(model, make_composite("epsilon-plus"));
//   LrpResult r = lrp.explain(images, Target::predicted());
//   r.input_relevance        // (rows, 1, 28, 28): relevance of every pixel
//   r.layer_relevance[i]     // (rows, ...layer i's output shape): relevance of its neurons
//   r.summary(row)           // explained class, logit, sums per layer, conservation error
//
// How relevance flows (by Layer::kind()):
//   linear         the composite's rule (lrp_rules.h), one generic path for every linear
//                  layer; a fused activation is passed through (the rule sees the
//                  pre-activation z from a Mode::linear forward)
//   activation     passed through unchanged
//   pooling        max pooling: winner takes all (the layer's own gradient routing)
//   reshape        reshaped;  dropout: identity
//   normalization  BatchNorm right after a linear layer without fused activation is merged
//                  into it (canonization: W' = W g/s, b' = (b - mean) g/s + beta, outputs
//                  unchanged); otherwise it gets the composite's "normalization" rule
//   softmax        a final softmax is skipped: relevance starts at the logits
//   merge          add, average, concatenate (merge_layer.h): R_k = x_k A_k^T (R / z), the
//                  relevance split among the inputs in proportion to their contributions
//                  A_k x_k to z (stabilised by 1e-9 only against z = 0, so conserved);
//                  concatenate hands each input its slice, average is an add with
//                  weights 1/n
//   other          an error naming the layer
// Relevance starts as the explained logit on the target class and zero elsewhere.
//
// Graph models (model.h): the sweeps follow the network's execution order forwards and
// backwards; where a layer's output feeds several layers the relevance they hand back is
// summed, and a BatchNorm is merged into the linear layer that only it takes from (inside
// a branch as in a chain).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/composites.h"
#include "glassbox/explain/network.h"
#include "glassbox/tensor.h"

namespace glassbox {
class MyDeepLearning;
}

namespace glassbox::explain {

struct LrpOptions {
  std::size_t batch_size = 256;  // rows propagated together
  bool keep_layers = true;       // keep every layer's relevance (memory: rows x activations)

  LrpOptions& batch(std::size_t v) { batch_size = v; return *this; }
  LrpOptions& keep_layer_relevance(bool v) { keep_layers = v; return *this; }
};

// How relevance flowed through one layer, as the engine planned it.
struct LrpLayerPlan {
  std::size_t index = 0;
  std::string name, type, kind;
  std::string role;       // dense, conv, avg_pool, normalization, activation, pooling, ...
  std::string rule;       // rule name or how relevance passes (pass, winner_take_all, reshape,
                          // merged_into_previous, skipped_softmax, split_by_contribution)
  std::vector<int> inputs;  // the layers it takes (-1: the input), as ExplainedNetwork has them
  nlohmann::json rule_parameters = nlohmann::json::object();
};

struct LrpResult {
  // Rows explained: row r explains sample[r] of the input batch for class target[r].
  std::vector<std::size_t> sample;
  std::vector<int> target;
  std::vector<int> predicted;
  std::vector<float> logit;                 // the explained logit of each row
  Tensor input_relevance;                   // (rows, ...input shape)
  // layer_relevance[i] = relevance on the OUTPUT of model layer i (rows, ...), aligned with
  // the outputs an ActivationHook sees; empty unless LrpOptions::keep_layers. For a
  // skipped final softmax it holds the logit relevance.
  std::vector<Tensor> layer_relevance;
  // sums[r][i] = total relevance on layer i's output for row r (always kept);
  // input_sum[r] = total relevance at the input.
  std::vector<std::vector<double>> layer_sums;
  std::vector<double> input_sum;
  std::vector<LrpLayerPlan> plan;
  std::string composite;

  std::size_t rows() const { return sample.size(); }
  // (input sum - logit) / |logit| for row r: 0 when relevance is conserved.
  double conservation_error(std::size_t r) const;
  // Explained class, logit, relevance sum per layer and what each layer absorbed (bias and
  // stabilizer), conservation error, rules per layer.
  nlohmann::json summary(std::size_t r) const;
  // Relevance of row r at the input, (1, ...input shape).
  Tensor row_relevance(std::size_t r) const;
};

// Concept-conditional relevance (CRP; Achtibat et al. 2023): at the OUTPUT of model layer
// `layer`, row r keeps only the relevance of concept keep[r] — index keep[r] of the first
// per-sample axis: channel c of an image output (C, H, W), neuron c of a vector output —
// and the rest of that layer's relevance is set to zero before it flows on towards the
// input; keep[r] < 0 keeps the whole layer. Relevance above the layer is unchanged, and
// layer_relevance / layer_sums at `layer` hold the masked relevance. Relevance that goes
// around the layer (a skip connection from above it to below it) is discarded, so what
// reaches the input is what flowed through the concept. Every rule is linear in the
// relevance it propagates (the forward pass fixes z and the stabilizers), so the
// conditional input relevances of all concepts of a layer sum to the relevance through
// the layer (keep = -1) — the unconditional one when every path passes through it.
struct ConceptCondition {
  std::size_t layer = 0;  // model layer index
  std::vector<int> keep;  // one concept per explained row
};

class Lrp {
 public:
  Lrp(const MyDeepLearning& model, Composite composite, LrpOptions options = {});
  // A copy of an explained network (a graph keeps its graph).
  Lrp(const ExplainedNetwork& network, Composite composite, LrpOptions options = {});
  // A stack of layers (e.g. built by hand in tests) for per-sample `input_shape`.
  Lrp(const std::vector<const Layer*>& layers, const Shape& input_shape, Composite composite,
      LrpOptions options = {}, const Registry* registry = nullptr);
  ~Lrp();
  Lrp(const Lrp&) = delete;
  Lrp& operator=(const Lrp&) = delete;

  LrpResult explain(const Tensor& x, const Target& target = Target::predicted());
  // One class per row of x.
  LrpResult explain(const Tensor& x, const std::vector<int>& targets);
  // One class per row of x, conditioned on one concept per row (ConceptCondition). Throws
  // Error when the layer is not in the network or a concept is out of its range.
  LrpResult explain(const Tensor& x, const std::vector<int>& targets, const ConceptCondition& condition);

  const std::vector<LrpLayerPlan>& plan() const;
  const Composite& composite() const;
  std::size_t num_classes() const;
  ExplainedNetwork& network();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Relevance at the input of one linear (or normalization) layer under `rule`, from the
// relevance on its pre-activation output and its input batch x: the generic path the
// engine takes for every linear layer (exposed for tests and for custom engines).
Tensor propagate_linear(const Layer& layer, const RulePtr& rule, const Tensor& x,
                        const Tensor& relevance_out);

// Sum of each row of a batch (rows, ...) in double.
std::vector<double> row_sums(const Tensor& t);
// Sum of `count` floats in double.
double sum_of(const float* p, std::size_t count);

}  // namespace glassbox::explain
