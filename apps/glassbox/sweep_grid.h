#pragma once
// A sweep's grid: axes (a key path and its values), expanded into grid points, each a
// list of assignments applied to the experiment like --set ("train.epochs=3").
//
//   --grid train.optimizer.learning_rate=1e-3,3e-3 --grid model.layers.5.units=32,64
//   "sweep": {"grid": {"train.optimizer.learning_rate": [1e-3, 3e-3]}}
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::app {

// More grid points than this are refused (a typo such as 1..1000 would start them all).
inline constexpr std::size_t kMaxSweepRuns = 1000;

struct GridAxis {
  std::string key;                  // "train.optimizer.learning_rate"
  std::vector<std::string> values;  // each as --set takes it: JSON text, else a string
};

struct GridPoint {
  std::vector<std::pair<std::string, std::string>> assignments;  // (key, value text), axis order
  // "key=value" for load_experiment's overrides.
  std::vector<std::string> overrides() const;
  // {"key": value, ...} with each value parsed as --set parses it.
  nlohmann::json to_json() const;
  // "key=value, key=value" for messages and tables.
  std::string label() const;
};

// "key=v1,v2,...": commas inside brackets, braces or quotes do not split ("[1,2]"). Throws
// ConfigError naming the argument for a missing '=', an empty key or an empty value.
GridAxis parse_grid_argument(const std::string& argument);
// The sweep section's "grid" object of lists; ConfigError naming source and key otherwise.
std::vector<GridAxis> grid_from_section(const nlohmann::json& sweep, const std::string& source);
// The cartesian product, the first axis slowest. ConfigError for no axis, a key on two
// axes, or more than kMaxSweepRuns points.
std::vector<GridPoint> expand_grid(const std::vector<GridAxis>& axes);

}  // namespace glassbox::app
