#pragma once
// The "projection" step of the experiment pipeline: after training, a PCA per layer of
// held-out inputs of the trained classes, the unseen classes projected onto the same axes
// (projection.json, projection/arrays, projection/plots).
#include "experiment_runner.h"

namespace glassbox::app {

// The section's options checked before any work: ConfigError naming the key.
void check_projection_section(const Experiment& e);

// Runs when the experiment has a "projection" section whose "enabled" is not false.
void run_projection_step(RunState& s);

}  // namespace glassbox::app
