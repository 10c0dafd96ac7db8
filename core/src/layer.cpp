#include "glassbox/layer.h"

#include "enum_names.h"
#include "glassbox/error.h"

namespace glassbox {

namespace {
constexpr detail::EnumName<LayerKind> kKinds[] = {
    {LayerKind::linear, "linear"},       {LayerKind::activation, "activation"}, {LayerKind::pooling, "pooling"},
    {LayerKind::reshape, "reshape"},     {LayerKind::normalization, "normalization"},
    {LayerKind::dropout, "dropout"},     {LayerKind::softmax, "softmax"},       {LayerKind::merge, "merge"},
    {LayerKind::other, "other"}};
constexpr detail::EnumName<ParamRole> kRoles[] = {
    {ParamRole::weight, "weight"},           {ParamRole::bias, "bias"},
    {ParamRole::scale, "scale"},             {ParamRole::shift, "shift"},
    {ParamRole::running_mean, "running_mean"}, {ParamRole::running_variance, "running_variance"},
    {ParamRole::other, "other"}};
}  // namespace

std::string to_string(LayerKind kind) { return detail::enum_name(kKinds, kind, "other"); }

std::string to_string(ParamRole role) { return detail::enum_name(kRoles, role, "other"); }

ParamRole param_role_from_string(const std::string& text) {
  ParamRole r = ParamRole::other;
  if (detail::enum_value(kRoles, text, r)) return r;
  throw ConfigError("unknown parameter role '" + text + "' (known: " + detail::enum_names(kRoles) + ")");
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
