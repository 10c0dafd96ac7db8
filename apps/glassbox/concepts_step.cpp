#include "concepts_step.h"

#include <ostream>

#include "glassbox/error.h"
#include "glassbox/explain/concept_relevance.h"

namespace glassbox::app {

void check_concepts_section(const Experiment& e) {
  (void)explain::ConceptOptions::from_json(e.section("concepts"), e.source + ": concepts");
}

void run_concepts_step(RunState& s) {
  const auto options = explain::ConceptOptions::from_json(s.experiment.section("concepts"),
                                                          s.experiment.source + ": concepts");
  if (!options.enabled) return;
  if (s.options.on_stage) s.options.on_stage("concepts");
  const LabeledData& heldout = s.data.test.size() ? s.data.test : s.data.validation;
  explain::ConceptStudy study;
  try {
    study = explain::run_concept_study(s.model, heldout, options);
  } catch (const ConfigError& e) {
    throw ConfigError(s.experiment.source + ": concepts: " + e.what());
  }
  explain::write_concept_study(study, heldout, s.out_dir);
  if (s.options.log) *s.options.log << explain::concept_report(study) << std::flush;
}

}  // namespace glassbox::app
