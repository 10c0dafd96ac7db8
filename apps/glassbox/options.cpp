#include "options.h"

#include <filesystem>
#include <iostream>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/json_text.h"

namespace glassbox::app {

po::variables_map parse_options(const Args& args, const po::options_description& desc,
                                const po::positional_options_description& positional,
                                const std::string& command) {
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw ConfigError(std::string("glassbox ") + command + ": " + e.what() +
                      " (see 'glassbox " + command + " --help')");
  }
  return vm;
}

bool print_help_if_asked(const po::variables_map& vm, const po::options_description& desc,
                         const std::string& usage) {
  if (!vm.count("help")) return false;
  std::cout << "usage: " << usage << "\n\n" << desc << "\n";
  return true;
}

nlohmann::json parse_assignments(const std::vector<std::string>& words, const std::string& option) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& w : words) {
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) throw ConfigError("--" + option + ": expected key=value, got '" + w + "'");
    nlohmann::json value;
    try {
      value = parse_json_text(w.substr(eq + 1), "--" + option);
    } catch (const JsonTextError&) {
      value = w.substr(eq + 1);
    }
    out[w.substr(0, eq)] = value;
  }
  return out;
}

nlohmann::json run_data_section(const std::string& model_dir, const po::variables_map& vm, std::string& source) {
  namespace fs = std::filesystem;
  nlohmann::json data = nlohmann::json::object();
  const fs::path run_config = fs::path(model_dir).parent_path() / "config.json";
  source = "command line";
  const bool onnx_file = model_dir.size() > 5 && fs::path(model_dir).extension() == ".onnx";  // no run around it
  if (!onnx_file && fs::is_regular_file(run_config)) {
    data = load_experiment(run_config.string()).section("data");
    source = run_config.string();
  }
  if (vm.count("data")) {
    const std::string name = vm["data"].as<std::string>();
    if (!data.contains("dataset") || data["dataset"] != name) data = {{"dataset", name}};
  }
  return data;
}

}  // namespace glassbox::app
