#pragma once
// The "concepts" step of the experiment pipeline: concept relevance propagation on the
// trained model (explain/concept_relevance.h) — per class the concepts (channels,
// neurons) carrying its relevance, the path graph between consecutive layers' concepts,
// conditional heatmaps and reference inputs per concept; writes concepts.json and
// concepts/ (docs/signatures.md, "Concept paths").
#include "experiment_runner.h"

namespace glassbox::app {

// Runs when the experiment has a "concepts" section whose "enabled" is not false.
void run_concepts_step(RunState& s);
// Checks the section's keys and composite before anything runs (ConfigError naming the key).
void check_concepts_section(const Experiment& e);

}  // namespace glassbox::app
