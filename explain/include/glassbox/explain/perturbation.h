#pragma once
// Region perturbation (pixel flipping; Samek et al. 2017, "Evaluating the visualization of
// what a deep neural network has learned"): split each image into square regions, rank
// them by their summed relevance and replace them step by step, watching the explained
// logit fall.
//   MoRF   most relevant first: a good explanation makes the logit drop fast
//   LeRF   least relevant first: the logit should stay (or rise)
//   random a random order, the baseline any explanation must beat
// AOPC = 1/(K+1) sum_{k=0..K} <f(x^(0)) - f(x^(k))> over images (higher MoRF AOPC = better).
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/attributions.h"
#include "glassbox/explain/network.h"

namespace glassbox::explain {

struct PerturbationOptions {
  std::size_t region = 2;            // region side in pixels (regions x region, all channels)
  std::size_t steps = 50;            // K: number of perturbation steps
  std::size_t regions_per_step = 1;  // regions replaced at each step
  // Replacement: "uniform" (noise drawn uniformly from [low, high], as Samek et al.),
  // "value" (a constant), "mean" (the image's mean).
  std::string fill = "uniform";
  float low = 0.0f, high = 1.0f, value = 0.0f;
  unsigned long long seed = 0;       // noise and random order
  std::size_t batch_size = 256;

  static PerturbationOptions from_json(const nlohmann::json& j, const std::string& where = "evaluation");
  nlohmann::json to_json() const;
};

struct PerturbationCurve {
  std::string order;                 // morf, lerf, random
  std::vector<double> mean_logit;    // K+1 values: mean explained logit after k steps
  double aopc = 0;                   // mean over k of the mean drop f(x^0) - f(x^k)
  double aopc_stderr = 0;            // standard error of the per-image AOPC
};

struct PerturbationResult {
  std::string method;
  std::size_t images = 0;
  PerturbationOptions options;
  std::vector<PerturbationCurve> curves;  // morf, lerf, random
  const PerturbationCurve& curve(const std::string& order) const;
  nlohmann::json to_json() const;
};

// Evaluates an attribution (rows of `x`, relevance of the same shape) on `net`.
PerturbationResult evaluate_perturbation(ExplainedNetwork& net, const Tensor& x, const Attribution& attribution,
                                         const PerturbationOptions& options = {});

}  // namespace glassbox::explain
