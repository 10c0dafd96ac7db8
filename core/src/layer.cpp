#include "glassbox/layer.h"

#include "glassbox/error.h"

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
    case LayerKind::merge: return "merge";
    case LayerKind::other: return "other";
  }
  return "other";
}

namespace {
constexpr ParamRole kRoles[] = {ParamRole::weight,       ParamRole::bias,
                                ParamRole::scale,        ParamRole::shift,
                                ParamRole::running_mean, ParamRole::running_variance,
                                ParamRole::other};
}  // namespace

std::string to_string(ParamRole role) {
  switch (role) {
    case ParamRole::weight: return "weight";
    case ParamRole::bias: return "bias";
    case ParamRole::scale: return "scale";
    case ParamRole::shift: return "shift";
    case ParamRole::running_mean: return "running_mean";
    case ParamRole::running_variance: return "running_variance";
    case ParamRole::other: return "other";
  }
  return "other";
}

ParamRole param_role_from_string(const std::string& text) {
  std::string known;
  for (ParamRole r : kRoles) {
    if (to_string(r) == text) return r;
    known += (known.empty() ? "" : ", ") + to_string(r);
  }
  throw ConfigError("unknown parameter role '" + text + "' (known: " + known + ")");
}

// The layer is not const here, and list_params() points only at tensors the layer owns as
// non-const members (its contract), so the writable view is of non-const objects.
std::vector<ParamRef> Layer::params() {
  std::vector<ParamRef> out;
  for (const ConstParamRef& p : list_params())
    out.push_back({p.name, p.role, const_cast<Tensor*>(p.value), const_cast<Tensor*>(p.grad), p.trainable});
  return out;
}

std::size_t Layer::param_count() const {
  std::size_t n = 0;
  for (const auto& p : params()) n += p.value->size();
  return n;
}

}  // namespace glassbox
