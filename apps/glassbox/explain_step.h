#pragma once
// The "explain" step of the experiment pipeline: after training, explain test samples with
// each requested method (LRP with a composite, baselines), write heatmaps, relevance .npy
// and explanations.json under <run>/explain/<method>/, and with "evaluation" the
// region-perturbation curves (MoRF / LeRF / random, AOPC) in <run>/explain/evaluation.json.
//
//   "explain": {
//     "methods": ["lrp", "gradient_x_input"],       (default ["lrp"])
//     "composite": "epsilon-plus",                   (a name, or entries [{"match", "rule"}])
//     "composites": {"mine": [{"match": {"kind": "conv"}, "rule": "zplus"}, ...]},
//                                                    (named definitions, usable as "composite")
//     "rule_params": {"epsilon": 0.25},
//     "parameters": {"steps": 32},                   (baseline parameters)
//     "samples": 8,                                  (first N test samples, or a list of indices)
//     "target": "predicted",                         (or a class number, or "all")
//     "evaluation": {"samples": 500, "region": 2, "steps": 50, "fill": "uniform"}  (optional)
//   }
#include "experiment_runner.h"

namespace glassbox::app {

// Checks the section's keys and values (ConfigError naming the experiment file and key).
void check_explain_section(const Experiment& e);

// Runs when the experiment has an "explain" section whose "enabled" is not false.
void run_explain_step(RunState& s);

}  // namespace glassbox::app
