#include "glassbox/experiment.h"

#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/json_text.h"

namespace glassbox {

using nlohmann::json;

namespace {

// The keys each section accepts. "*" accepts any value; an object is a nested section.
// Layer entries and optimizer options are checked by their factories.
const json& schema() {
  static const json s = json::parse(R"({
    "name": "*", "description": "*", "seed": "*",
    "data": {"dataset": "*", "path": "*", "images": "*", "labels": "*", "test_images": "*",
             "test_labels": "*", "x": "*", "y": "*", "test_x": "*", "test_y": "*",
             "train": "*", "test": "*", "label_column": "*", "header": "*", "shape": "*",
             "class_names": "*", "classes": "*", "unseen_classes": "*", "validation_split": "*",
             "test_split": "*", "seed": "*", "limit": "*", "test_limit": "*", "normalize": "*",
             "shuffle": "*", "samples": "*", "options": "*", "data_seed": "*", "max_value": "*",
             "num_classes": "*", "test_samples": "*", "noise": "*"},
    "model": {"layers": "*", "input_shape": "*", "loss": "*", "metrics": "*"},
    "train": {"epochs": "*", "batch_size": "*", "optimizer": "*", "shuffle": "*",
              "validation_split": "*", "verbose": "*", "callbacks": "*", "early_stopping": "*",
              "lr_schedule": "*", "checkpoint": "*", "csv_log": "*", "terminate_on_nan": "*",
              "clip_norm": "*", "clip_value": "*", "weight_decay": "*", "threads": "*"},
    "explain": {"enabled": "*", "methods": "*", "composite": "*", "rule_params": "*", "parameters": "*",
                "samples": "*", "target": "*", "evaluation": "*"},
    "signatures": {"enabled": "*", "threshold": "*", "top_k": "*", "pattern_capacity": "*",
                   "max_covariance_dim": "*", "batch_size": "*", "include_input": "*",
                   "include_reshape": "*", "layers": "*", "separability_threshold": "*",
                   "shrinkage": "*", "heldout_limit": "*", "unseen_limit": "*", "relevance": "*",
                   "composite": "*", "relevance_samples": "*", "plots": "*"},
    "output": "*"
  })");
  return s;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

void check_section(const json& value, const json& spec, const std::string& path, const std::string& source) {
  if (spec.is_string()) return;
  if (!value.is_object())
    throw ConfigError(source + ": '" + path + "' must be an object, got " + value.dump());
  for (const auto& [key, v] : value.items()) {
    std::string here = path.empty() ? key : path + "." + key;
    if (!spec.contains(key)) {
      std::string best;
      std::size_t best_d = 3;
      for (const auto& [k, s] : spec.items()) {
        std::size_t d = edit_distance(key, k);
        if (d < best_d) best_d = d, best = k;
      }
      std::string msg = source + ": unknown key '" + here + "'";
      if (!best.empty()) msg += ", did you mean '" + (path.empty() ? best : path + "." + best) + "'?";
      throw ConfigError(msg);
    }
    check_section(v, spec.at(key), here, source);
  }
}

}  // namespace

std::string Experiment::name() const {
  if (config.contains("name") && config["name"].is_string()) return config["name"].get<std::string>();
  return "experiment";
}

unsigned long long Experiment::seed() const {
  if (config.contains("seed")) return config["seed"].get<unsigned long long>();
  return 42;
}

const json& Experiment::section(const std::string& key) const {
  static const json empty = json::object();
  if (!config.contains(key)) return empty;
  return config.at(key);
}

void apply_override(json& config, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set '" + assignment + "': expected key.path=value");
  std::string path = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  json value;
  try {
    value = parse_json_text(text, "--set '" + assignment + "'");
  } catch (const JsonTextError& e) {
    if (e.reason.find("nested deeper") != std::string::npos) throw ConfigError(e.what());
    value = text;
  }
  json* node = &config;
  std::stringstream ss(path);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) throw ConfigError("--set '" + assignment + "': empty key in path");
    if (node->is_array()) {
      std::size_t idx = 0;
      try {
        idx = std::stoul(parts[i]);
      } catch (...) {
        throw ConfigError("--set '" + assignment + "': '" + parts[i] + "' must be an index into a list");
      }
      if (idx >= node->size()) throw ConfigError("--set '" + assignment + "': index " + parts[i] + " out of range");
      node = &(*node)[idx];
    } else {
      if (!node->is_object()) *node = json::object();
      node = &(*node)[parts[i]];
    }
  }
  *node = value;
}

void validate_experiment(const json& config, const std::string& source) {
  if (!config.is_object()) throw ConfigError(source + ": an experiment must be a JSON object");
  check_section(config, schema(), "", source);
  if (config.contains("seed") && !config["seed"].is_number_unsigned() && !(config["seed"].is_number_integer() && config["seed"].get<long long>() >= 0))
    throw ConfigError(source + ": 'seed' must be a non-negative integer, got " + config["seed"].dump());
  if (config.contains("name") && !config["name"].is_string())
    throw ConfigError(source + ": 'name' must be a string");
  const json& model = config.contains("model") ? config["model"] : json();
  if (model.contains("layers") && !model["layers"].is_array())
    throw ConfigError(source + ": 'model.layers' must be a list of layers");
  if (model.contains("layers"))
    for (std::size_t i = 0; i < model["layers"].size(); ++i)
      if (!model["layers"][i].is_object() || !model["layers"][i].contains("type"))
        throw ConfigError(source + ": 'model.layers." + std::to_string(i) + "' needs a \"type\"");
}

Experiment parse_experiment(const std::string& text, const std::string& source,
                            const std::vector<std::string>& overrides) {
  Experiment e;
  e.source = source;
  try {
    e.config = parse_json_text(text, source);
  } catch (const JsonTextError& err) {
    throw ConfigError(err.what());
  }
  for (const auto& o : overrides) apply_override(e.config, o);
  validate_experiment(e.config, source);
  return e;
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  // A regular file only (a FIFO would block); a bad experiment file is a configuration error.
  std::string text;
  try {
    text = read_regular_file(path, kMaxJsonFileBytes, "experiment file");
  } catch (const DataError& e) {
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) throw ConfigError(path + ": cannot open experiment file");
    throw ConfigError(e.what());
  }
  return parse_experiment(text, path, overrides);
}

}  // namespace glassbox
