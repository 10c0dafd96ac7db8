#pragma once
// The "signatures" step of the experiment pipeline: after training, build the activation
// signatures of the training classes, probe the held-out test inputs and the unseen-class
// inputs, and write signatures.json (+ signatures/arrays, signatures/plots) and
// signatures.txt, the short report answering the brief's three questions.
#include "experiment_runner.h"

namespace glassbox::app {

// The section's options checked before any work (a conv_firing typo is not found after
// training): ConfigError naming the key.
void check_signatures_section(const Experiment& e);

// Runs when the experiment has a "signatures" section whose "enabled" is not false.
void run_signatures_step(RunState& s);

}  // namespace glassbox::app
