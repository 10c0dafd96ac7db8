#include "glassbox/layer.h"

namespace glassbox {

std::string to_string(LayerKind kind) {
  switch (kind) {
    case LayerKind::linear: return "linear";
    case LayerKind::activation: return "activation";
    case LayerKind::pooling: return "pooling";
    case LayerKind::reshape: return "reshape";
    case LayerKind::normalization: return "normalization";
    case LayerKind::dropout: return "dropout";
    case LayerKind::softmax: return "softmax";
    case LayerKind::other: return "other";
  }
  return "other";
}

std::size_t Layer::param_count() {
  std::size_t n = 0;
  for (const auto& p : params()) n += p.value->size();
  return n;
}

}  // namespace glassbox
