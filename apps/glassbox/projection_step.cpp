#include "projection_step.h"

#include <ostream>

#include "glassbox/explain/layer_projection.h"

namespace glassbox::app {

void check_projection_section(const Experiment& e) {
  (void)explain::ProjectionOptions::from_json(e.section("projection"), e.source + ": projection");
}

void run_projection_step(RunState& s) {
  const auto options = explain::ProjectionOptions::from_json(s.experiment.section("projection"),
                                                             s.experiment.source + ": projection");
  if (!options.enabled) return;
  if (s.options.on_stage) s.options.on_stage("projection");
  const LabeledData& heldout = s.data.test.size() ? s.data.test : s.data.validation;
  auto study = explain::layer_projections(s.model, heldout, s.data.unseen.size() ? &s.data.unseen : nullptr,
                                                options);
  study.split = s.data.test.size() ? "test" : "validation";
  explain::write_layer_projections(study, s.out_dir);
  if (s.options.log) *s.options.log << explain::layer_projection_report(study) << std::flush;
}

}  // namespace glassbox::app
