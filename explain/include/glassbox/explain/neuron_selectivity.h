#pragma once
// Which class does each neuron (channel) prefer, and how strongly?
//  - preferred class: the class with the highest mean activation;
//  - class selectivity index (Morcos et al. 2018) (mu_max - mu_rest) / (mu_max + mu_rest),
//    mu_rest the mean over the other classes; defined for non-negative activations only
//    (NaN when a class mean is negative), 0 = no preference, 1 = fires for one class only;
//  - d' between the preferred and the runner-up class: (mu_1 - mu_2) / sqrt((var_1+var_2)/2);
//  - dead (never fires on any input), always-on (fires on every input) and neuron coverage
//    (fraction of neurons that fired at least once, Pei et al. 2017).
// Per class, the top-k neurons by mean activation ("strongest") and by contrast with the
// other classes ("characteristic": (mu_c - mu_rest) / pooled std).
#include <cstddef>
#include <vector>

#include "glassbox/explain/signature.h"

namespace glassbox::explain {

struct RankedNeuron {
  std::size_t neuron = 0;
  double mean = 0;
  double firing_rate = 0;
  double contrast = 0;  // (mu_c - mu_rest) / pooled std
};

struct NeuronSelectivity {
  std::vector<int> preferred_class;
  std::vector<double> selectivity_index;
  std::vector<double> d_prime;
  std::vector<std::size_t> dead, always_on;
  double coverage = 0;
  std::vector<std::vector<RankedNeuron>> strongest;        // per class, top-k by mean
  std::vector<std::vector<RankedNeuron>> characteristic;   // per class, top-k by contrast
};

NeuronSelectivity neuron_selectivity(const LayerSignature& layer, std::size_t top_k);

}  // namespace glassbox::explain
