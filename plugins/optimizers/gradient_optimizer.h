#pragma once
// What the built-in optimizers share: per-parameter state slots, and the gradient
// transforms every optimizer accepts (Keras names):
//   clip_value   each gradient component clamped to [-clip_value, clip_value]
//   clip_norm    each parameter tensor's gradient rescaled to L2 norm <= clip_norm
//                (Keras's per-variable `clipnorm`), after clip_value
//   weight_decay decoupled decay (AdamW / Keras 3): w <- w - lr * weight_decay * w,
//                applied before the update, to every trainable tensor whatever its
//                role (Keras 3 / PyTorch AdamW default); non-trainable ones are skipped
// A subclass writes one loop over raw pointers per parameter tensor; the transforms are
// folded into that loop through grad() and decay(), so each tensor is read once (plus one
// reduction pass when clip_norm is set).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "glassbox/error.h"
#include "glassbox/optimizer.h"
#include "glassbox/parallel.h"
#include "glassbox/registry.h"

namespace glassbox::plugins {

// Per-tensor constants for the update loop.
struct GradientTransform {
  float clip = std::numeric_limits<float>::infinity();  // clip_value
  float scale = 1.0f;                                  // from clip_norm
  float keep = 1.0f;                                   // 1 - lr * weight_decay
  float grad(float g) const { return std::min(std::max(g, -clip), clip) * scale; }
};

class GradientOptimizer : public Optimizer {
 public:
  void step(const std::vector<ParamRef>& params) final {
    if (slots_.empty()) {
      sizes_.clear();
      for (const auto& p : params) sizes_.push_back(p.value->size());
      slots_.assign(params.size() * slots_per_param(), {});
      for (std::size_t i = 0; i < params.size(); ++i)
        for (std::size_t s = 0; s < slots_per_param(); ++s)
          slots_[i * slots_per_param() + s].assign(sizes_[i], initial_slot_value());
    }
    if (params.size() != sizes_.size())
      throw Error(type() + ": step got " + std::to_string(params.size()) + " parameters, its state has " +
                  std::to_string(sizes_.size()) + " (call reset() after changing the model)");
    ++iterations_;
    begin_step();
    for (std::size_t i = 0; i < params.size(); ++i) {
      const ParamRef& p = params[i];
      if (!p.trainable) continue;
      const std::size_t n = p.value->size();
      if (n != sizes_[i] || p.grad->size() != n)
        throw Error(type() + ": parameter '" + p.name + "' changed size since the first step");
      GradientTransform t;
      t.clip = clip_value_;
      t.keep = 1.0f - learning_rate_ * weight_decay_;
      if (clip_norm_ > 0) {
        const float* g = p.grad->data();
        double sq = 0;
        for (std::size_t j = 0; j < n; ++j) {
          const float c = t.grad(g[j]);
          sq += static_cast<double>(c) * c;
        }
        const double norm = std::sqrt(sq);
        if (norm > clip_norm_) t.scale = static_cast<float>(clip_norm_ / norm);
      }
      // Large tensors are updated in chunks on the compute threads (element-wise: the
      // result does not depend on the split).
      float* w = p.value->data();
      const float* g = p.grad->data();
      parallel_for(n, kUpdateGrain, [&](std::size_t, std::size_t b, std::size_t e) { update(i, b, w + b, g + b, e - b, t); });
    }
  }

  void reset() override {
    slots_.clear();
    sizes_.clear();
    iterations_ = 0;
  }

  long iterations() const { return iterations_; }

 protected:
  // Reads the options every optimizer takes; `own` lists the subclass's options.
  void read_common(const nlohmann::json& o, std::vector<std::string> own) {
    own.insert(own.end(), {"type", "learning_rate", "weight_decay", "clip_norm", "clip_value"});
    check_known_keys(o, own, "optimizer '" + type() + "'");
    learning_rate_ = option<float>(o, "learning_rate", learning_rate_);
    weight_decay_ = option<float>(o, "weight_decay", 0.0f);
    clip_norm_ = option<float>(o, "clip_norm", 0.0f);
    const float cv = option<float>(o, "clip_value", 0.0f);
    clip_value_ = cv > 0 ? cv : std::numeric_limits<float>::infinity();
    if (learning_rate_ <= 0) throw ConfigError("optimizer '" + type() + "': learning_rate must be > 0");
    if (weight_decay_ < 0 || clip_norm_ < 0 || cv < 0)
      throw ConfigError("optimizer '" + type() + "': weight_decay, clip_norm and clip_value must be >= 0");
  }
  nlohmann::json common_config() const {
    return {{"type", type()},
            {"learning_rate", learning_rate_},
            {"weight_decay", weight_decay_},
            {"clip_norm", clip_norm_},
            {"clip_value", std::isinf(clip_value_) ? 0.0f : clip_value_}};
  }

  virtual std::size_t slots_per_param() const { return 0; }
  virtual float initial_slot_value() const { return 0.0f; }
  // Called once per step before the parameters (e.g. Adam's bias corrections).
  virtual void begin_step() {}
  // Updates n values of parameter `index`, starting at element `offset`, from its gradient
  // (w and g point at that element; the slots are offset by the caller's `offset`).
  virtual void update(std::size_t index, std::size_t offset, float* w, const float* g, std::size_t n,
                      const GradientTransform& t) = 0;
  static constexpr std::size_t kUpdateGrain = 16384;
  float* slot(std::size_t index, std::size_t s) { return slots_[index * slots_per_param() + s].data(); }

  long iterations_ = 0;
  float weight_decay_ = 0, clip_norm_ = 0, clip_value_ = std::numeric_limits<float>::infinity();

 private:
  std::vector<std::vector<float>> slots_;
  std::vector<std::size_t> sizes_;
};

// Schema entries of the shared options, for FactoryInfo::parameters.
inline nlohmann::json common_parameters(double learning_rate) {
  return {{"learning_rate", {{"type", "float"}, {"default", learning_rate}, {"help", "step size"}}},
          {"weight_decay", {{"type", "float"}, {"default", 0.0}, {"help", "decoupled weight decay: w -= lr * weight_decay * w"}}},
          {"clip_norm", {{"type", "float"}, {"default", 0.0}, {"help", "rescale each tensor's gradient to this L2 norm at most (0: off)"}}},
          {"clip_value", {{"type", "float"}, {"default", 0.0}, {"help", "clamp gradient components to [-v, v] (0: off)"}}}};
}

}  // namespace glassbox::plugins
