#include "batch_norm_canonization.h"

#include <cmath>
#include <random>

namespace glassbox::explain {

namespace {

// The layer's first parameter of `role`, or null.
Tensor* find_param(Layer& layer, ParamRole role) {
  for (ParamRef& p : layer.params())
    if (p.role == role) return p.value;
  return nullptr;
}
const Tensor* find_param(const Layer& layer, ParamRole role) {
  for (const ConstParamRef& p : layer.params())
    if (p.role == role) return p.value;
  return nullptr;
}

// Multiplies `t` by s[c] along `axis`, where c is the index on that axis.
void scale_along(Tensor& t, std::size_t axis, const std::vector<float>& s) {
  std::size_t inner = 1;
  for (std::size_t a = axis + 1; a < t.dimension(); ++a) inner *= t.shape(a);
  const std::size_t c = t.shape(axis);
  float* p = t.data();
  for (std::size_t i = 0, n = t.size(); i < n; ++i) p[i] *= s[(i / inner) % c];
}

}  // namespace

std::unique_ptr<Layer> merge_batch_norm(const Layer& linear, const Layer& norm, const Shape& input_shape,
                                        const Registry* registry) {
  const Tensor* mean = find_param(norm, ParamRole::running_mean);
  const Tensor* var = find_param(norm, ParamRole::running_variance);
  if (!mean || !var) return nullptr;
  const std::size_t channels = mean->size();
  const Tensor* gamma = find_param(norm, ParamRole::scale);
  const Tensor* beta = find_param(norm, ParamRole::shift);
  const nlohmann::json cfg = norm.config();
  const float eps = cfg.contains("epsilon") && cfg["epsilon"].is_number() ? cfg["epsilon"].get<float>() : 1e-3f;
  std::vector<float> s(channels), t(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    const float g = gamma ? gamma->data()[c] : 1.0f;
    const float b = beta ? beta->data()[c] : 0.0f;
    s[c] = g / std::sqrt(var->data()[c] + eps);
    t[c] = b - mean->data()[c] * s[c];
  }

  // A layer with a bias to hold b'.
  std::unique_ptr<Layer> base = linear.clone();
  if (!find_param(*base, ParamRole::bias)) {
    if (!registry) return nullptr;
    nlohmann::json c = linear.config();
    c["use_bias"] = true;
    try {
      base = registry->make_layer(c);
      Rng rng(0);
      base->set_name(linear.name());
      base->build(input_shape, rng);
    } catch (const std::exception&) {
      return nullptr;
    }
    Tensor* k = find_param(*base, ParamRole::weight);
    const Tensor* k0 = find_param(linear, ParamRole::weight);
    Tensor* b = find_param(*base, ParamRole::bias);
    if (!k || !k0 || !b || k->shape() != k0->shape()) return nullptr;
    *k = *k0;
    b->fill(0.0f);
  }
  const Tensor* kernel0 = find_param(static_cast<const Layer&>(*base), ParamRole::weight);
  const Tensor* bias0 = find_param(static_cast<const Layer&>(*base), ParamRole::bias);
  if (!kernel0 || !bias0 || bias0->size() != channels) return nullptr;

  // Probe batch: the merged layer must reproduce norm(linear(x)). Trying each kernel axis
  // of the channel count finds the output axis without knowing the plugin's layout.
  Rng rng(1234);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Tensor probe = Tensor::from_shape(batch_shape(2, input_shape));
  for (float& v : probe) v = normal(rng);
  std::unique_ptr<Layer> original = linear.clone();
  std::unique_ptr<Layer> norm_copy = norm.clone();
  Tensor expected = norm_copy->forward(original->forward(probe, Mode::inference), Mode::inference);
  float scale = 1e-6f;
  for (float v : expected) scale = std::max(scale, std::fabs(v));

  for (std::size_t axis = 0; axis < kernel0->dimension(); ++axis) {
    if (kernel0->shape(axis) != channels) continue;
    std::unique_ptr<Layer> merged = base->clone();
    Tensor* k = find_param(*merged, ParamRole::weight);
    Tensor* b = find_param(*merged, ParamRole::bias);
    scale_along(*k, axis, s);
    for (std::size_t c = 0; c < channels; ++c) b->data()[c] = b->data()[c] * s[c] + t[c];
    const Tensor& got = merged->forward(probe, Mode::inference);
    if (got.shape() != expected.shape()) continue;
    float worst = 0.0f;
    for (std::size_t i = 0; i < got.size(); ++i)
      worst = std::max(worst, std::fabs(got.data()[i] - expected.data()[i]));
    if (worst <= 1e-4f * scale) return merged;
  }
  return nullptr;
}

}  // namespace glassbox::explain
