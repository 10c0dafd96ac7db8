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
#include "glassbox/option_spec.h"
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
  std::string type() const final { return type_; }

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
  // Reads the options `o` against the optimizer's description (optimizer_options(): the
  // shared ones and its own); the values, defaults filled in, are what config() writes.
  GradientOptimizer(std::string type, const nlohmann::json& o, const std::vector<OptionSpec>& spec)
      : type_(std::move(type)), values_(read_options(spec, o, "optimizer '" + type_ + "'", {"type"})) {
    learning_rate_ = value("learning_rate");
    weight_decay_ = value("weight_decay");
    clip_norm_ = value("clip_norm");
    const float cv = value("clip_value");
    clip_value_ = cv > 0 ? cv : std::numeric_limits<float>::infinity();
  }
  float value(const char* key) const { return values_.at(key).get<float>(); }

 public:
  // {"type"} and the values read; the current learning rate when a schedule changed it.
  nlohmann::json config() const override {
    nlohmann::json c = values_;
    c["type"] = type();
    if (learning_rate_ != value("learning_rate")) c["learning_rate"] = learning_rate_;
    return c;
  }

 protected:
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
  std::string type_;
  nlohmann::json values_;  // the options as read
  float weight_decay_ = 0, clip_norm_ = 0, clip_value_ = std::numeric_limits<float>::infinity();

 private:
  std::vector<std::vector<float>> slots_;
  std::vector<std::size_t> sizes_;
};

// An optimizer's options, described once: the shared ones (learning_rate defaulting to
// `learning_rate`, weight_decay, clip_norm, clip_value) followed by `own`.
inline std::vector<OptionSpec> optimizer_options(double learning_rate, std::vector<OptionSpec> own) {
  constexpr double kMaxFloat = 3.4028234663852886e38;  // the values are float32
  OptionSpec rate{"learning_rate", "float", learning_rate, 0, kMaxFloat, "step size"};
  rate.min_open = true;
  std::vector<OptionSpec> spec{
      rate,
      {"weight_decay", "float", 0.0, 0, kMaxFloat, "decoupled weight decay: w -= lr * weight_decay * w"},
      {"clip_norm", "float", 0.0, 0, kMaxFloat, "rescale each tensor's gradient to this L2 norm at most (0: off)"},
      {"clip_value", "float", 0.0, 0, kMaxFloat, "clamp gradient components to [-v, v] (0: off)"}};
  for (OptionSpec& o : own) {
    if (o.type == "float" && o.max == kUnbounded) o.max = kMaxFloat;
    spec.push_back(std::move(o));
  }
  return spec;
}

// A float option in [0, 1) (decays, momentum) and one > 0 (epsilon).
inline OptionSpec fraction_option(const char* name, double fallback, const char* help) {
  OptionSpec o{name, "float", fallback, 0, 1, help};
  o.max_open = true;
  return o;
}
inline OptionSpec positive_option(const char* name, double fallback, const char* help) {
  OptionSpec o{name, "float", fallback, 0, kUnbounded, help};
  o.min_open = true;
  return o;
}

}  // namespace glassbox::plugins
