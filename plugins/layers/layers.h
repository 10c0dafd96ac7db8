#pragma once
// Registration functions of the built-in layers, one per file; plugin.cpp calls them all.
#include "glassbox/registry.h"

namespace glassbox::layers {

void register_dense(Registry& registry);
void register_conv2d(Registry& registry);
void register_max_pool2d(Registry& registry);
void register_avg_pool2d(Registry& registry);
void register_global_avg_pool2d(Registry& registry);
void register_flatten(Registry& registry);
void register_reshape(Registry& registry);
void register_dropout(Registry& registry);
void register_batch_normalization(Registry& registry);
void register_activation_layers(Registry& registry);  // relu, leaky_relu, sigmoid, tanh, softmax, linear
void register_elementwise_merges(Registry& registry);  // add, average (merge_layer.h)
void register_concatenate(Registry& registry);

// The slope of the fused "leaky_relu" activation of dense/conv2d (Keras' LeakyReLU
// layer takes an alpha; a fused activation takes no option).
constexpr float kFusedLeakyReluAlpha = 0.01f;

}  // namespace glassbox::layers
