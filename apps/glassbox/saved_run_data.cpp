#include "saved_run_data.h"

#include <filesystem>
#include <sstream>

#include "glassbox/error.h"

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

nlohmann::json saved_run_data_section(const std::string& model_dir, const po::variables_map& vm, std::string& source) {
  nlohmann::json data = run_data_section(model_dir, vm, source);
  if (!data.contains("dataset"))
    throw ConfigError("no dataset: give --data NAME (no run configuration found at " +
                      (fs::path(model_dir).parent_path() / "config.json").string() + ")");
  if (vm.count("classes")) data["classes"] = parse_classes(vm["classes"].as<std::string>(), "classes");
  if (vm.count("unseen")) data["unseen_classes"] = parse_classes(vm["unseen"].as<std::string>(), "unseen");
  return data;
}

ExperimentData load_saved_run_data(const std::string& model_dir, const po::variables_map& vm, Registry& registry) {
  std::string source;
  const nlohmann::json data = saved_run_data_section(model_dir, vm, source);
  return load_experiment_data(data, registry, source);
}

}  // namespace glassbox::app
