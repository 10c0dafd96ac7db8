#pragma once
// Experiment files: the one JSON parser and schema check for every command.
//
// {
//   "name": "digits-1-3", "seed": 7,
//   "data":  {"dataset": "mnist-digits", "classes": [1, 3], ...},
//   "model": {"layers": [{"type": "dense", "units": 128, "activation": "relu"}, ...],
//             "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
//   "train": {"epochs": 3, "batch_size": 64, "optimizer": {"type": "sgd", ...}, ...},
//   "explain": {...}, "signatures": {...}
// }
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox {

struct Experiment {
  std::string source;    // file path, for messages
  nlohmann::json config;  // after overrides

  std::string name() const;
  unsigned long long seed() const;
  const nlohmann::json& section(const std::string& key) const;  // {} when absent
  bool has(const std::string& key) const { return config.contains(key); }
};

// Reads and checks a file. Throws ConfigError naming the file, line and column of a JSON
// syntax error, or the key path of an unknown key / wrong type.
Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides = {});
// Same, from text already in memory (the web API); `source` names it in messages.
Experiment parse_experiment(const std::string& text, const std::string& source,
                            const std::vector<std::string>& overrides = {});

// "train.epochs=3": sets config["train"]["epochs"] = 3. The value is parsed as JSON when
// it is valid JSON, else taken as a string.
void apply_override(nlohmann::json& config, const std::string& assignment);

// Checks every key against the typed schema (core/src/experiment_schema.cpp: each key's
// JSON types and range); throws ConfigError for the first unknown key ("unknown key
// 'train.epoch', did you mean 'train.epochs'?") or bad value ("train.epochs: expected an
// integer in [0, 100000], got \"3\""), and for an output name that would leave the
// results folder ("train.csv_log: must be a file name inside the results folder, got
// '/tmp/victim.txt'"). Layer and optimizer options are checked by their factories.
void validate_experiment(const nlohmann::json& config, const std::string& source);

// One section given on its own (an analysis reading its section, or a command's --set
// options) checked against the same schema: each key known, typed and in range. Messages
// start with `where`, then the key: "exp.json: similarity.samples: expected an integer in
// [0, 4096], got 5000", "--set.sampels: unknown key, did you mean 'samples'? (known: ...)".
// A null section is accepted (all defaults).
void validate_section(const nlohmann::json& section, const std::string& name, const std::string& where);

// A relative path of plain components ("training.csv", "logs/train.csv"): not empty,
// not absolute, no "." or ".." component, no backslash, colon or control character.
bool is_inside_results_name(const std::string& name);

}  // namespace glassbox
