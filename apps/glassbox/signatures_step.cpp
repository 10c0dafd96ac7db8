#include "signatures_step.h"

#include <filesystem>
#include <ostream>

#include "glassbox/explain/signature_study.h"
#include "glassbox/npy.h"

namespace glassbox::app {

void check_signatures_section(const Experiment& e) {
  (void)explain::SignatureStudyOptions::from_json(e.section("signatures"), e.source + ": signatures");
}

void run_signatures_step(RunState& s) {
  const auto& section = s.experiment.section("signatures");
  if (section.is_object() && section.contains("enabled") && section["enabled"].is_boolean() &&
      !section["enabled"].get<bool>())
    return;
  auto options = explain::SignatureStudyOptions::from_json(section, s.experiment.source + ": signatures");
  options.replicas = s.options.replicas;  // under mpirun: the signature pass is sharded
  if (s.options.on_stage) s.options.on_stage("signatures");
  if (s.options.log) *s.options.log << "signatures: building class signatures and probing held-out and unseen inputs\n" << std::flush;
  const auto study = explain::run_signature_study(s.model, s.data.train, s.data.test,
                                                   s.data.unseen.size() ? &s.data.unseen : nullptr,
                                                   s.data.source_class_names, options);
  explain::write_signature_study(study, s.out_dir);
  const std::string report = explain::signature_report(study);
  write_file_atomic((std::filesystem::path(s.out_dir) / "signatures.txt").string(), report);
  if (s.options.log) *s.options.log << "\n" << report << std::flush;
}

}  // namespace glassbox::app
