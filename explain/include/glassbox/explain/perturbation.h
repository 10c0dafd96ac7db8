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
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/attributions.h"
#include "glassbox/explain/network.h"
#include "glassbox/replica_group.h"

namespace glassbox::explain {

struct PerturbationOptions {
  std::size_t region = 2;            // region side in pixels (regions x region, all channels)
  std::size_t steps = 50;            // K: number of perturbation steps
  std::size_t regions_per_step = 1;  // regions replaced at each step
  // Replacement: "uniform" (noise drawn uniformly from [low, high], as Samek et al.),
  // "value" (a constant), "mean" (the image's mean).
  std::string fill = "uniform";
  float low = 0.0f, high = 1.0f, value = 0.0f;
  unsigned long long seed = 0;       // noise and random order (per image: perturbation_seed)
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

// Evaluates an attribution (rows of `x`, relevance of the same shape) on `net`:
// combine_perturbation(perturbation_logits(..., 0)).
PerturbationResult evaluate_perturbation(ExplainedNetwork& net, const Tensor& x, const Attribution& attribution,
                                         const PerturbationOptions& options = {});

// The seed of image `image`'s noise and random order: each image's randomness depends on
// (seed, image) only, so a part of the images gives each the curves the whole set gives it.
std::uint64_t perturbation_seed(std::uint64_t seed, std::size_t image);

// Every row's explained logit after each step of each order, the rows being images
// first_image, first_image + 1, ... of the whole evaluation (their seeds).
struct PerturbationLogits {
  std::size_t images = 0, steps = 0;  // rows, K
  std::vector<float> values;          // [(image * 3 + order) * (K + 1) + k], orders morf, lerf, random
};
PerturbationLogits perturbation_logits(ExplainedNetwork& net, const Tensor& x, const Attribution& attribution,
                                       const PerturbationOptions& options, std::size_t first_image);
// The curves and AOPCs of per-image logits, summed over the images in their order.
PerturbationResult combine_perturbation(const std::string& method, const PerturbationOptions& options,
                                        const PerturbationLogits& logits);

// Sharded (replica_group.h; every replica calls it alike): x and the attribution hold this
// replica's images, images first_image.. of the whole set (shard_of). The per-image logits
// are gathered on replica 0 in rank order and combined there as one process combines them,
// so replica 0's result equals one process's on the whole set up to the float rounding of
// the batched forward passes; the others get a result with images 0 and no curves.
PerturbationResult evaluate_perturbation(ExplainedNetwork& net, const Tensor& x, const Attribution& attribution,
                                         const PerturbationOptions& options, ReplicaGroup* replicas,
                                         std::size_t first_image);

}  // namespace glassbox::explain
