// Callbacks from an experiment's "train" section (see callback.h for the keys).
#include <algorithm>
#include <filesystem>

#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/registry.h"

namespace glassbox {

using nlohmann::json;

namespace {

// Reads options of one train.<key> object with errors naming the key path.
struct Section {
  const json& value;
  std::string path;  // "exp.json: train.early_stopping"

  void check(const std::vector<std::string>& known) const {
    check_known_keys(value, known, path);
  }
  template <class V>
  V get(const std::string& key, const V& fallback) const {
    try {
      return option<V>(value, key, fallback);
    } catch (const ConfigError& e) {
      throw ConfigError(path + "." + key + ": " + e.what());
    }
  }
};

// `true` means "with defaults", `false`/null means off.
bool enabled(const json& train, const std::string& key) {
  if (!train.contains(key)) return false;
  const json& v = train[key];
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  return true;
}

json as_object(const json& v) { return v.is_object() ? v : json::object(); }

// results_dir/name, refused unless it stays inside results_dir: the name is plain
// components (validate_experiment checks this too, but callbacks are also built from
// code), and no symlink already in the folder leads out of it.
std::string inside_results(const std::string& results_dir, const std::string& name, const std::string& key) {
  namespace fs = std::filesystem;
  const std::string bad = key + ": must be a file name inside the results folder, got '" + name.substr(0, 200) + "'";
  if (!is_inside_results_name(name)) throw ConfigError(bad);
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(fs::absolute(results_dir), ec);
  const fs::path full = fs::weakly_canonical(fs::absolute(fs::path(results_dir) / name), ec);
  if (ec) throw ConfigError(bad);
  const auto mismatch = std::mismatch(root.begin(), root.end(), full.begin(), full.end());
  if (mismatch.first != root.end()) throw ConfigError(bad + " (a symbolic link leads out of it)");
  return (fs::path(results_dir) / name).string();
}

}  // namespace

std::vector<std::shared_ptr<Callback>> callbacks_from_config(const json& train, double initial_lr,
                                                             const std::string& results_dir,
                                                             const std::string& source) {
  std::vector<std::shared_ptr<Callback>> out;
  const std::string at = source + ": train.";

  if (enabled(train, "lr_schedule")) try {
    const json o = as_object(train["lr_schedule"]);
    Section s{o, at + "lr_schedule"};
    if (!train["lr_schedule"].is_object()) throw ConfigError(s.path + ": expected an object with a \"type\"");
    const std::string type = s.get<std::string>("type", "");
    if (type == "step") {
      s.check({"type", "factor", "step_size"});
      out.push_back(std::make_shared<StepDecay>(initial_lr, s.get("factor", 0.5), s.get("step_size", 1)));
    } else if (type == "exponential") {
      s.check({"type", "decay_rate", "decay_epochs"});
      out.push_back(std::make_shared<ExponentialDecay>(initial_lr, s.get("decay_rate", 0.9), s.get("decay_epochs", 1.0)));
    } else if (type == "reduce_on_plateau") {
      s.check({"type", "monitor", "factor", "patience", "min_delta", "cooldown", "min_lr"});
      ReduceLROnPlateauOptions r;
      r.monitor = s.get("monitor", r.monitor);
      r.factor = s.get("factor", r.factor);
      r.patience = s.get("patience", r.patience);
      r.min_delta = s.get("min_delta", r.min_delta);
      r.cooldown = s.get("cooldown", r.cooldown);
      r.min_lr = s.get("min_lr", r.min_lr);
      out.push_back(std::make_shared<ReduceLROnPlateau>(r));
    } else {
      throw ConfigError(s.path + ".type: unknown schedule '" + type + "' (known: step, exponential, reduce_on_plateau)");
    }
  } catch (const ConfigError& err) {
    // The schedules' constructors name only "lr_schedule.<key>": add the file.
    const std::string w = err.what();
    if (w.rfind("lr_schedule", 0) == 0) throw ConfigError(source + ": train." + w);
    throw;
  }

  if (enabled(train, "early_stopping")) {
    const json o = as_object(train["early_stopping"]);
    Section s{o, at + "early_stopping"};
    s.check({"monitor", "patience", "min_delta", "restore_best_weights"});
    EarlyStoppingOptions e;
    e.monitor = s.get("monitor", e.monitor);
    e.patience = s.get("patience", 2);
    e.min_delta = s.get("min_delta", e.min_delta);
    e.restore_best_weights = s.get("restore_best_weights", e.restore_best_weights);
    try {
      out.push_back(std::make_shared<EarlyStopping>(e));
    } catch (const ConfigError& err) {
      throw ConfigError(source + ": train." + err.what());
    }
  }

  if (enabled(train, "checkpoint") && !results_dir.empty()) {
    const json o = as_object(train["checkpoint"]);
    Section s{o, at + "checkpoint"};
    s.check({"monitor", "save_best_only"});
    ModelCheckpointOptions c;
    c.path = (std::filesystem::path(results_dir) / "checkpoint").string();
    c.monitor = s.get("monitor", c.monitor);
    c.save_best_only = s.get("save_best_only", true);
    out.push_back(std::make_shared<ModelCheckpoint>(c));
  }

  if (enabled(train, "csv_log") && !results_dir.empty()) {
    const json& v = train["csv_log"];
    const std::string name = v.is_string() ? v.get<std::string>() : "training.csv";
    out.push_back(std::make_shared<CSVLogger>(inside_results(results_dir, name, source + ": train.csv_log")));
  }

  if (!train.contains("terminate_on_nan") || enabled(train, "terminate_on_nan"))
    out.push_back(std::make_shared<TerminateOnNaN>());
  return out;
}

}  // namespace glassbox
