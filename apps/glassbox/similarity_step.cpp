#include "similarity_step.h"

#include <filesystem>
#include <optional>
#include <ostream>

#include "glassbox/error.h"
#include "glassbox/explain/layer_similarity.h"

namespace glassbox::app {

void check_similarity_section(const Experiment& e) {
  const auto options = explain::SimilarityOptions::from_json(e.section("similarity"), e.source + ": similarity");
  if (!options.enabled || options.compare_model.empty()) return;
  const auto model_json = std::filesystem::path(options.compare_model) / "model.json";
  if (!std::filesystem::is_regular_file(model_json))
    throw ConfigError(e.source + ": similarity.compare_model: '" + options.compare_model +
                      "' is not a model folder (no model.json)");
}

void run_similarity_step(RunState& s) {
  const auto options = explain::SimilarityOptions::from_json(s.experiment.section("similarity"),
                                                             s.experiment.source + ": similarity");
  if (!options.enabled) return;
  if (s.options.on_stage) s.options.on_stage("similarity");
  std::optional<MyDeepLearning> other;
  if (!options.compare_model.empty()) {
    try {
      other.emplace(MyDeepLearning::load(options.compare_model, s.registry));
    } catch (const Error& e) {
      throw ConfigError(s.experiment.source + ": similarity.compare_model: " + e.what());
    }
  }
  const LabeledData& data = s.data.test.size() ? s.data.test : s.data.validation;
  const auto sim = explain::layer_similarity(s.model, other ? &*other : nullptr, data, options);
  explain::write_layer_similarity(sim, s.out_dir);
  if (s.options.log) *s.options.log << explain::layer_similarity_report(sim) << std::flush;
}

}  // namespace glassbox::app
