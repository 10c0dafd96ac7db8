#pragma once
// Relevance-weighted paths: which neurons carry the relevance of a decision, layer by
// layer. LRP (lrp.h) gives the relevance of every neuron of every layer for one explained
// logit; summing it per feature (channels: over space) and averaging over the inputs of a
// class gives, per layer, the neurons through which the evidence for that class flows —
// the "path" the class takes through the network.
#include <string>
#include <vector>

#include "glassbox/dataset.h"
#include "glassbox/explain/signature.h"
#include "glassbox/model.h"
#include "glassbox/tensor.h"

namespace glassbox::explain {

struct PathNeuron {
  std::size_t neuron = 0;
  double relevance = 0;  // mean relevance of this neuron (channel) for the explained logit
  double share = 0;      // relevance / total relevance of the layer
};

struct PathLayer {
  int index = 0;  // model layer index (as in LayerSignature)
  std::string name;
  std::vector<double> relevance;   // mean per feature
  std::vector<PathNeuron> top;     // top-k by relevance
  double top_share = 0;            // share of the layer's relevance in the top-k
};

struct RelevancePath {
  int target = 0;            // explained output
  std::string target_name;
  std::string inputs;        // which inputs were averaged ("class 3 (32 inputs)")
  std::size_t count = 0;
  std::vector<PathLayer> layers;  // the recorded (signature) layers, input excluded
  Tensor input_relevance;         // mean input relevance, (1, ...input shape)
};

// Explains output `target` for the inputs `x` (rows) with the LRP composite and averages
// per layer. Layers are those of `signatures` (input excluded).
RelevancePath relevance_path(MyDeepLearning& model, const Signatures& signatures, const Tensor& x, int target,
                             const std::string& composite, std::size_t top_k);

}  // namespace glassbox::explain
