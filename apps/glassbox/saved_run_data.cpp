#include "saved_run_data.h"

#include <filesystem>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/json_text.h"

namespace glassbox::app {

namespace fs = std::filesystem;

namespace {

std::vector<int> parse_classes(const std::string& text, const std::string& option) {
  std::vector<int> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      std::size_t used = 0;
      out.push_back(std::stoi(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw ConfigError("--" + option + ": expected class numbers separated by commas (e.g. 1,3), got '" + text + "'");
    }
  }
  if (out.empty()) throw ConfigError("--" + option + ": no class given");
  return out;
}

}  // namespace

void add_data_options(po::options_description& desc) {
  desc.add_options()
      ("data", po::value<std::string>(), "dataset name (default: the data of the model's run, from its config.json)")
      ("classes", po::value<std::string>(), "the classes the model was trained on, e.g. 1,3 (default: the run's)")
      ("unseen", po::value<std::string>(), "unseen classes, e.g. 2 (default: the run's)");
}

ExperimentData load_saved_run_data(const std::string& model_dir, const po::variables_map& vm, Registry& registry) {
  nlohmann::json data = nlohmann::json::object();
  const fs::path run_config = fs::path(model_dir).parent_path() / "config.json";
  std::string source = "command line";
  if (fs::is_regular_file(run_config)) {
    Experiment e = load_experiment(run_config.string());
    data = e.section("data");
    source = run_config.string();
  }
  if (vm.count("data")) {
    const std::string name = vm["data"].as<std::string>();
    if (!data.contains("dataset") || data["dataset"] != name) data = {{"dataset", name}};
  }
  if (!data.contains("dataset"))
    throw ConfigError("no dataset: give --data NAME (no run configuration found at " + run_config.string() + ")");
  if (vm.count("classes")) data["classes"] = parse_classes(vm["classes"].as<std::string>(), "classes");
  if (vm.count("unseen")) data["unseen_classes"] = parse_classes(vm["unseen"].as<std::string>(), "unseen");
  return load_experiment_data(data, registry, source);
}

nlohmann::json set_options_section(const std::vector<std::string>& sets) {
  nlohmann::json section = nlohmann::json::object();
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--set: expected key=value, got '" + s + "'");
    nlohmann::json value;
    try {
      value = parse_json_text(s.substr(eq + 1), "--set");
    } catch (const JsonTextError&) {
      value = s.substr(eq + 1);
    }
    section[s.substr(0, eq)] = value;
  }
  return section;
}

}  // namespace glassbox::app
