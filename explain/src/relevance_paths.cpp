#include "glassbox/explain/relevance_paths.h"

#include <algorithm>
#include <cmath>

#include "glassbox/explain/lrp.h"
#include "glassbox/explain/signature_builder.h"

namespace glassbox::explain {

RelevancePath relevance_path(MyDeepLearning& model, const Signatures& sig, const Tensor& x, int target,
                             const std::string& composite, std::size_t top_k) {
  RelevancePath path;
  path.target = target;
  const std::size_t n = x.shape()[0];
  path.count = n;
  Lrp lrp(model, make_composite(composite), LrpOptions().keep_layer_relevance(true));
  LrpResult r = lrp.explain(x, std::vector<int>(n, target));
  // Mean input relevance.
  Tensor mean_in = xt::zeros<float>(batch_shape(1, model.input_shape()));
  const std::size_t in_size = shape_size(model.input_shape());
  for (std::size_t row = 0; row < n; ++row)
    for (std::size_t j = 0; j < in_size; ++j) mean_in.data()[j] += r.input_relevance.data()[row * in_size + j] / n;
  path.input_relevance = std::move(mean_in);

  for (const auto& l : sig.layers) {
    if (l.index < 0 || static_cast<std::size_t>(l.index) >= r.layer_relevance.size()) continue;
    const Tensor& rel = r.layer_relevance[static_cast<std::size_t>(l.index)];
    if (rel.size() != n * shape_size(l.shape)) continue;
    FeatureExtractor ex(l.feature_kind, l.shape);
    ex.reduce(rel.data(), n);
    PathLayer pl;
    pl.index = l.index;
    pl.name = l.name;
    pl.relevance.assign(l.features, 0.0);
    const double spatial = l.feature_kind == FeatureKind::channel ? static_cast<double>(l.shape[1] * l.shape[2]) : 1.0;
    for (std::size_t row = 0; row < n; ++row) {
      // Channel relevance is the SUM over space: features_of gives the spatial mean.
      const float* f = ex.features_of(row);
      for (std::size_t j = 0; j < l.features; ++j) pl.relevance[j] += f[j] * spatial / static_cast<double>(n);
    }
    double total = 0;
    for (double v : pl.relevance) total += v;
    std::vector<std::size_t> order(l.features);
    for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return pl.relevance[a] > pl.relevance[b]; });
    for (std::size_t t = 0; t < std::min(top_k, order.size()); ++t) {
      const double v = pl.relevance[order[t]];
      const double share = std::abs(total) > 0 ? v / total : 0.0;
      pl.top.push_back({order[t], v, share});
      pl.top_share += share;
    }
    path.layers.push_back(std::move(pl));
  }
  return path;
}

}  // namespace glassbox::explain
