#pragma once
// Class x class similarity of signatures at one layer: how alike two classes look to
// that layer. Mean vectors are compared by cosine, correlation and Euclidean distance;
// majority firing patterns (LayerSignature::majority_pattern) by Hamming and Jaccard.
#include <vector>

#include "glassbox/explain/signature.h"

namespace glassbox::explain {

using Matrix = std::vector<std::vector<double>>;

struct ClassSimilarity {
  Matrix cosine, correlation, euclidean, hamming, jaccard;
};

ClassSimilarity class_similarity(const LayerSignature& layer);

}  // namespace glassbox::explain
