#include "glassbox/explain/class_similarity.h"

#include "glassbox/explain/signature_distances.h"

namespace glassbox::explain {

ClassSimilarity class_similarity(const LayerSignature& layer) {
  const std::size_t k = layer.moments.size();
  ClassSimilarity s;
  for (Matrix* m : {&s.cosine, &s.correlation, &s.euclidean, &s.hamming, &s.jaccard})
    m->assign(k, std::vector<double>(k, 0.0));
  std::vector<BitPattern> patterns;
  for (std::size_t c = 0; c < k; ++c) patterns.push_back(layer.majority_pattern(c));
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = 0; b < k; ++b) {
      const auto& ma = layer.moments[a].mean();
      const auto& mb = layer.moments[b].mean();
      s.cosine[a][b] = cosine_similarity(ma, mb);
      s.correlation[a][b] = correlation(ma, mb);
      s.euclidean[a][b] = euclidean_distance(ma, mb);
      s.hamming[a][b] = static_cast<double>(hamming_distance(patterns[a], patterns[b]));
      s.jaccard[a][b] = jaccard_distance(patterns[a], patterns[b]);
    }
  return s;
}

}  // namespace glassbox::explain
