#include "imported_run.h"

#include <filesystem>

#include "glassbox/error.h"
#include "glassbox/experiment_data.h"
#include "glassbox/explain/signature_study.h"
#include "glassbox/folder_swap.h"
#include "glassbox/npy.h"

namespace glassbox::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// Only a missing or empty folder or a results folder may be replaced by the swap.
void check_replaceable_run(const std::string& target) {
  std::error_code ec;
  if (is_temporary_name(fs::path(target).filename().string()))
    throw ConfigError(target + ": a run folder name must not end in '.tmp' (names of unfinished runs)");
  if (!fs::exists(target, ec) || (fs::is_directory(target, ec) && fs::is_empty(target, ec))) return;
  if (!fs::is_directory(target, ec) || !fs::exists(fs::path(target) / "config.json", ec))
    throw ConfigError(target + ": exists and is not a glassbox results folder (no config.json); not replacing it "
                               "(choose another --run)");
}

json metrics_of(MyDeepLearning& model, const ExperimentData& ed, const ImportedRun& run) {
  const Evaluation ev = model.evaluate(ed.test);
  return {{"test_accuracy", ev.accuracy}, {"test_loss", ev.loss}, {"epochs", json::array()},
          {"confusion_matrix", ev.confusion}, {"class_names", ed.test.class_names()}, {"classes", ed.classes},
          {"dataset", ed.dataset}, {"test_samples", ed.test.size()}, {"params", model.param_count()},
          {"imported_from", run.source}};
}

}  // namespace

void write_imported_run(MyDeepLearning& model, const ImportedRun& run, const Registry& registry, std::ostream* log) {
  const std::string target = folder_path(run.dir);
  check_replaceable_run(target);
  ExperimentData ed = load_experiment_data(run.data, registry, "--data");
  if (model.output_shape() != Shape{ed.test.num_classes()})
    throw ConfigError(run.source + ": the model has outputs " + shape_to_string(model.output_shape()) + " but " +
                      ed.dataset + " has " + std::to_string(ed.test.num_classes()) +
                      " classes (use --classes to pick the classes it was trained on)");
  if (ed.test.size() == 0) throw DataError(ed.dataset + ": the test set is empty");
  model.compile(json{{"type", "sgd"}}, "sparse_categorical_crossentropy");  // for the evaluation's loss
  const std::string staged = staging_folder(target);
  std::error_code ec;
  fs::remove_all(staged, ec);
  fs::create_directories(staged, ec);
  if (ec) throw Error(staged + ": cannot create the run folder (" + ec.message() + ")");
  write_file_atomic((fs::path(staged) / kIncompleteMarker).string(), "glassbox import is writing this folder\n");
  const json config = {{"name", fs::path(target).filename().string()},
                       {"description", "imported from " + run.source},
                       {"data", run.data},
                       {"model", {{"layers", model.config()["layers"]}}}};
  write_file_atomic((fs::path(staged) / "config.json").string(), config.dump(2) + "\n");
  model.save((fs::path(staged) / "model").string());
  if (run.signatures) {
    if (log) *log << "signatures: building class signatures and probing held-out inputs\n" << std::flush;
    const auto study = explain::run_signature_study(model, ed.train, ed.test, ed.unseen.size() ? &ed.unseen : nullptr,
                                                    ed.source_class_names, explain::SignatureStudyOptions{});
    explain::write_signature_study(study, staged);
    write_file_atomic((fs::path(staged) / "signatures.txt").string(), explain::signature_report(study));
  }
  write_file_atomic((fs::path(staged) / "metrics.json").string(), metrics_of(model, ed, run).dump(2) + "\n");
  fs::remove(fs::path(staged) / kIncompleteMarker, ec);
  fsync_tree(staged);
  swap_folder_into_place(staged, target);
}

}  // namespace glassbox::app
