#pragma once
// BatchNorm canonization for LRP: y = g (xW + b - mean) / sqrt(var + eps) + beta is the same
// affine map as x W' + b' with W' = W s, b' = (b - mean) s + beta, s = g / sqrt(var + eps)
// per output channel. Merging it keeps the network's outputs unchanged and lets the linear
// layer's rule see the whole affine map (Montavon et al. 2019, sec. 10.4.3 / zennit).
#include <memory>

#include "glassbox/layer.h"
#include "glassbox/registry.h"

namespace glassbox::explain {

// A copy of `linear` with `norm` merged in, or null when that is impossible. The parameters
// are found by role (glassbox/layer.h): norm's running_mean and running_variance (scale 1
// and shift 0 when it has none), linear's weight and bias. Null when: no registry
// to rebuild a layer without bias, no kernel axis of the channel count, or the merged
// layer does not reproduce the two layers' outputs on a random probe batch.
std::unique_ptr<Layer> merge_batch_norm(const Layer& linear, const Layer& norm, const Shape& input_shape,
                                        const Registry* registry);

}  // namespace glassbox::explain
