#pragma once
// The "similarity" step of the experiment pipeline: linear CKA between every pair of
// recorded layers of the trained model on the same held-out inputs, and, with
// compare_model, between its layers and those of another saved model; writes
// similarity.json and similarity/ (explain/layer_similarity.h, docs/signatures.md).
#include "experiment_runner.h"

namespace glassbox::app {

// Runs when the experiment has a "similarity" section whose "enabled" is not false.
void run_similarity_step(RunState& s);
// Checks the section before anything runs: its keys and that compare_model is a model
// folder (ConfigError naming the key).
void check_similarity_section(const Experiment& e);

}  // namespace glassbox::app
