#pragma once
// The runs folder: one sub-folder per run, as `glassbox run --out` writes it
// (config.json, metrics.json, model/, signatures.json, ...), plus status.json written by
// the server's queue. A sub-folder holding a sweep.json is a sweep (`glassbox sweep --out
// RUNS/NAME`), not a run: its run-<i> folders are runs with the IDs "NAME/run-<i>". IDs
// are checked by path_safety before any access.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::server {

class RunStore {
 public:
  explicit RunStore(std::string root);  // creates the folder when missing
  const std::string& root() const { return root_; }

  std::vector<std::string> ids() const;  // newest first, the runs of sweeps included
  bool exists(const std::string& id) const;
  // Throws HttpError 400 for an invalid ID, 404 for an unknown run.
  std::string dir(const std::string& id) const;

  // Creates a fresh folder named after the experiment ("digits-1-3-20261125-205501", with
  // a -2, -3... suffix on a clash); mkdir is the atomic reservation.
  std::string reserve(const std::string& name);

  // {id, name, state, created, dataset, classes, epochs, test_accuracy, test_loss, has_*},
  // and "sweep" (its folder) for a sweep's run
  nlohmann::json summary(const std::string& id) const;
  // summary + config, metrics, signatures (when present and reasonably small), files
  nlohmann::json detail(const std::string& id) const;
  // The path of a run's file when it exists and stays inside the run folder (symbolic
  // links resolved); "" otherwise. Throws like dir().
  std::string file(const std::string& id, const std::string& name) const;
  // The sweeps of the runs folder, newest first: each its sweep.json ({experiment, name,
  // grid, runs, best}) with "id" (the sweep's folder name; "" when the runs folder is itself
  // a sweep's folder) and, in each of its runs, the
  // run's "id" when its folder is here (a run deleted since, or never written, has none).
  // A sweep.json that cannot be read gives {id, error}.
  nlohmann::json sweeps() const;
  // Relative names of the files in a run (recursive, bounded).
  std::vector<std::string> files(const std::string& id) const;

 private:
  std::string root_;
};

// Reads a JSON file, at most `max_bytes`; null when missing, {"error": ...} when broken.
nlohmann::json read_json_file(const std::string& path, std::size_t max_bytes = 64u << 20);

}  // namespace glassbox::server
