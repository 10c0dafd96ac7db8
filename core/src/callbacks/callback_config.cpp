// Callbacks from an experiment's "train" section (see callback.h for the keys).
#include <algorithm>
#include <filesystem>
#include <limits>

#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/option_spec.h"
#include "glassbox/registry.h"

namespace glassbox {

using nlohmann::json;

namespace {

// The options of each train.<key> object, described once (parsing, defaults, ranges and
// the unknown-key error); the defaults are the option structs' where those exist.
constexpr double kMaxInt = std::numeric_limits<int>::max();

OptionSpec monitor_option() {
  return {"monitor", "string", "val_loss", -kUnbounded, kUnbounded, "loss, accuracy, val_loss or val_accuracy",
          {"loss", "accuracy", "val_loss", "val_accuracy"}};
}
OptionSpec positive(const char* name, const char* type, json fallback, const char* help) {
  OptionSpec o{name, type, std::move(fallback), 0, kUnbounded, help};
  o.min_open = true;
  return o;
}

const std::vector<OptionSpec>& early_stopping_options() {
  static const std::vector<OptionSpec> o = {
      monitor_option(),
      {"patience", "int", 2, 0, kMaxInt, "epochs without improvement before stopping"},
      {"min_delta", "float", EarlyStoppingOptions{}.min_delta, 0, kUnbounded, "smallest change that counts as improvement"},
      {"restore_best_weights", "bool", EarlyStoppingOptions{}.restore_best_weights, -kUnbounded, kUnbounded,
       "put back the best epoch's weights at the end"}};
  return o;
}

const std::vector<OptionSpec>& checkpoint_options() {
  static const std::vector<OptionSpec> o = {
      monitor_option(),
      {"save_best_only", "bool", true, -kUnbounded, kUnbounded, "write only when the monitored figure improved"}};
  return o;
}

const std::vector<OptionSpec>& step_decay_options() {
  static const std::vector<OptionSpec> o = {positive("factor", "float", 0.5, "rate multiplier per step"),
                                            {"step_size", "int", 1, 1, kMaxInt, "epochs per step"}};
  return o;
}

const std::vector<OptionSpec>& exponential_decay_options() {
  static const std::vector<OptionSpec> o = {positive("decay_rate", "float", 0.9, "rate multiplier per decay_epochs"),
                                            positive("decay_epochs", "float", 1.0, "epochs per factor decay_rate")};
  return o;
}

const std::vector<OptionSpec>& reduce_on_plateau_options() {
  static const std::vector<OptionSpec> o = [] {
    const ReduceLROnPlateauOptions d;
    OptionSpec factor{"factor", "float", d.factor, 0, 1, "rate multiplier on a plateau"};
    factor.min_open = factor.max_open = true;
    return std::vector<OptionSpec>{
        monitor_option(), factor,
        {"patience", "int", d.patience, 0, kMaxInt, "epochs without improvement before reducing"},
        {"min_delta", "float", d.min_delta, 0, kUnbounded, "smallest change that counts as improvement"},
        {"cooldown", "int", d.cooldown, 0, kMaxInt, "epochs to wait after a reduction"},
        {"min_lr", "float", d.min_lr, 0, kUnbounded, "lowest rate"}};
  }();
  return o;
}

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

// The schedule of train.lr_schedule ({"type": ..., options}); `true` is not enough.
std::shared_ptr<Callback> lr_schedule(const json& spec, double initial_lr, const std::string& path) {
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string())
    throw ConfigError(path + ": expected an object with a \"type\"");
  const std::string type = spec["type"].get<std::string>();
  const auto values = [&](const std::vector<OptionSpec>& o) { return read_options(o, spec, path, {"type"}); };
  if (type == "step") {
    const json v = values(step_decay_options());
    return std::make_shared<StepDecay>(initial_lr, v.at("factor").get<double>(), v.at("step_size").get<int>());
  }
  if (type == "exponential") {
    const json v = values(exponential_decay_options());
    return std::make_shared<ExponentialDecay>(initial_lr, v.at("decay_rate").get<double>(), v.at("decay_epochs").get<double>());
  }
  if (type == "reduce_on_plateau") {
    const json v = values(reduce_on_plateau_options());
    ReduceLROnPlateauOptions r;
    r.monitor = v.at("monitor").get<std::string>();
    r.factor = v.at("factor").get<double>();
    r.patience = v.at("patience").get<int>();
    r.min_delta = v.at("min_delta").get<double>();
    r.cooldown = v.at("cooldown").get<int>();
    r.min_lr = v.at("min_lr").get<double>();
    return std::make_shared<ReduceLROnPlateau>(r);
  }
  throw ConfigError(path + ".type: unknown schedule '" + type + "' (known: step, exponential, reduce_on_plateau)");
}

}  // namespace

std::vector<std::shared_ptr<Callback>> callbacks_from_config(const json& train, double initial_lr,
                                                             const std::string& results_dir,
                                                             const std::string& source) {
  std::vector<std::shared_ptr<Callback>> out;
  const std::string at = source + ": train.";

  if (enabled(train, "lr_schedule")) out.push_back(lr_schedule(train["lr_schedule"], initial_lr, at + "lr_schedule"));

  if (enabled(train, "early_stopping")) {
    const json v = read_options(early_stopping_options(), as_object(train["early_stopping"]), at + "early_stopping");
    EarlyStoppingOptions e;
    e.monitor = v.at("monitor").get<std::string>();
    e.patience = v.at("patience").get<int>();
    e.min_delta = v.at("min_delta").get<double>();
    e.restore_best_weights = v.at("restore_best_weights").get<bool>();
    out.push_back(std::make_shared<EarlyStopping>(e));
  }

  if (enabled(train, "checkpoint") && !results_dir.empty()) {
    const json v = read_options(checkpoint_options(), as_object(train["checkpoint"]), at + "checkpoint");
    ModelCheckpointOptions c;
    c.path = (std::filesystem::path(results_dir) / "checkpoint").string();
    c.monitor = v.at("monitor").get<std::string>();
    c.save_best_only = v.at("save_best_only").get<bool>();
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
