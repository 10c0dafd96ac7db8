#pragma once
// The experiment pipeline shared by `glassbox run` and the web server's jobs:
//   data (load_experiment_data) -> model (model.layers, input shape from the data)
//   -> compile (train.optimizer, model.loss) -> fit (train.*) -> evaluate on test
//   -> [later steps: explanations, signatures] -> results folder:
//        config.json   the effective configuration (defaults filled in)
//        model/        the saved model (model.json + one .npy per parameter tensor)
//        metrics.json  test_accuracy, test_loss, epochs[], confusion_matrix, class_names...
//        summary.txt   the model summary table and the final figures
//        training.csv  when train.csv_log is set; checkpoint/ when train.checkpoint is set
#include <atomic>
#include <functional>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/experiment.h"
#include "glassbox/experiment_data.h"
#include "glassbox/model.h"
#include "glassbox/registry.h"
#include "glassbox/replica_group.h"

namespace glassbox::app {

struct RunOptions {
  std::string out_dir;                 // "" -> runs/<name>-<YYYYmmdd-HHMMSS>
  int verbose = 0;                     // fit's progress display (0 silent, 1 bar, 2 lines)
  std::ostream* log = nullptr;         // where to print the summary and stage lines (null: silent)
  std::atomic<bool>* cancel = nullptr; // set by another thread to stop training
  std::function<void(const BatchLog&)> on_batch;
  std::function<void(const EpochLog&)> on_epoch;
  std::function<void(const std::string&)> on_stage;  // "data", "model", "train", "evaluate", "save", ...
  // Write the run into "<out_dir>.tmp" (marked with kIncompleteMarker) and swap it with
  // out_dir only when complete, so out_dir never mixes two runs (folder_swap.h). An
  // existing out_dir must be empty or a glassbox results folder. `glassbox run` sets it.
  bool staged = false;
  // Data-parallel training across these replicas (FitOptions::replicas); null: one process.
  ReplicaGroup* replicas = nullptr;
};

struct RunResult {
  std::string out_dir;
  History history;
  Evaluation test;
  nlohmann::json metrics;
  bool cancelled = false;
};

// Everything a pipeline step sees; later steps (explain, signatures) take it.
struct RunState {
  const Experiment& experiment;
  Registry& registry;
  const RunOptions& options;
  std::string out_dir;
  nlohmann::json effective;  // written to config.json
  ExperimentData data;
  MyDeepLearning model;
  RunResult result;
};

// Runs the experiment and writes its results folder; returns the figures (out_dir is the
// final folder, also when staged).
// Throws ConfigError for a bad configuration (naming e.source and the key), Error otherwise.
RunResult run_experiment(const Experiment& e, Registry& registry, const RunOptions& options);

// The default results folder for an experiment: runs/<name>-<YYYYmmdd-HHMMSS> (unique).
std::string default_out_dir(const Experiment& e);

// The train section with defaults filled in (epochs, batch_size, optimizer, ...).
nlohmann::json effective_train_section(const Experiment& e);

}  // namespace glassbox::app
