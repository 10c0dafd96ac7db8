#pragma once
// A sweep's comparison: one record per run (its grid point, status and figures), written
// as <sweep>/sweep.json and as a table (<sweep>/sweep.txt, also printed):
//
//   {"experiment": "exp.json", "name": "...", "grid": [{"key", "values"}],
//    "runs": [{"run": "run-1", "assignments": {key: value}, "status": "ok" | "failed" | "pending",
//              "error", "test_accuracy", "test_loss", "epochs", "final_loss",
//              "final_val_accuracy", "seconds_total", "rank"}],
//    "best": "run-3"}   // the highest test accuracy among the runs that finished
//
// A run still to end is {"run", "assignments", "status": "pending"} (sweep.json is written
// before the first run and after each).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep_grid.h"

namespace glassbox::app {

// One run's record from its results folder (metrics.json) or its failure.
// `folder` is relative to the sweep folder ("run-1").
nlohmann::json sweep_run_record(const std::string& sweep_dir, const std::string& folder, const GridPoint& point,
                                const std::string& error, int rank);

nlohmann::json sweep_comparison(const std::string& source, const std::string& name,
                                const std::vector<GridAxis>& axes, nlohmann::json runs);

// The comparison as an aligned text table: run, one column per grid key, the figures.
std::string sweep_table(const nlohmann::json& comparison);

}  // namespace glassbox::app
