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

// Checks the keys of every section against the schema; throws ConfigError for the first
// unknown key, naming its path ("train.epoch: unknown key, did you mean 'epochs'?").
void validate_experiment(const nlohmann::json& config, const std::string& source);

}  // namespace glassbox
