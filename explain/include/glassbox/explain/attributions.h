#pragma once
// Baseline attributions to compare LRP with, all of the explained logit (never the softmax):
//   gradient              d logit / dx (Simonyan et al. 2014; saliency maps show |.|)
//   gradient_x_input      x * d logit / dx (Shrikumar et al. 2016; equals LRP-0 on ReLU nets)
//   integrated_gradients  (x - x') * mean over the path x' + a (x - x') of the gradient,
//                         trapezoid rule with `steps` intervals (Sundararajan et al. 2017);
//                         completeness: sum = logit(x) - logit(x') up to discretization
//   smoothgrad            mean gradient over `samples` copies of x + N(0, (noise * (max - min))^2)
//                         (Smilkov et al. 2017)
//   occlusion             logit(x) - logit(x with a patch set to `value`), averaged over the
//                         patches (size `patch`, step `stride`) that cover a pixel (Zeiler &
//                         Fergus 2014)
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/network.h"
#include "glassbox/tensor.h"

namespace glassbox::explain {

// An attribution map per explained row, whatever the method.
struct Attribution {
  std::string method;
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<std::size_t> sample;  // row -> sample of the input batch
  std::vector<int> target, predicted;
  std::vector<float> logit;         // explained logit of each row
  Tensor relevance;                 // (rows, ...input shape)

  std::size_t rows() const { return sample.size(); }
  Tensor row(std::size_t r) const;  // (1, ...input shape)
};

struct AttributionOptions {
  int steps = 32;               // integrated gradients
  float baseline = 0.0f;        // integrated gradients: constant baseline image
  int samples = 16;             // smoothgrad
  float noise = 0.15f;          // smoothgrad: std as a fraction of the input's max - min
  std::size_t patch = 4;        // occlusion
  std::size_t stride = 2;       // occlusion
  float value = 0.0f;           // occlusion fill
  unsigned long long seed = 0;  // smoothgrad noise
  std::size_t batch_size = 256;

  // From {"steps": 64, "noise": 0.2, ...}; unknown keys are a ConfigError naming `where`.
  static AttributionOptions from_json(const nlohmann::json& j, const std::string& where = "attribution");
  nlohmann::json to_json(const std::string& method) const;
};

const std::vector<std::string>& attribution_methods();  // the baselines above
// Throws ConfigError naming the known methods when `method` is not one of them.
void check_method(const std::string& method);

// Computes `method` (one of attribution_methods()) for the rows of `target`.
Attribution attribute(ExplainedNetwork& net, const std::string& method, const Tensor& x,
                      const Target& target, const AttributionOptions& options = {});
// The same for explicit (sample, class) rows.
Attribution attribute_rows(ExplainedNetwork& net, const std::string& method, const Tensor& x,
                           const ExplanationRows& rows, const AttributionOptions& options = {});

}  // namespace glassbox::explain
