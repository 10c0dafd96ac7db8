#pragma once
// The data a saved model is analysed on, for the commands that read a model folder
// (similarity, concepts): the data section of the model's run (its config.json next to
// the model folder, so the normalization is the training one), with the command line's
// --data, --classes and --unseen on top.
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/experiment_data.h"
#include "glassbox/registry.h"
#include "options.h"

namespace glassbox::app {

// Adds --data, --classes and --unseen to `desc`.
void add_data_options(po::options_description& desc);

// Loads the data views; ConfigError naming the option or the missing dataset.
ExperimentData load_saved_run_data(const std::string& model_dir, const po::variables_map& vm, Registry& registry);

// --set key=value words as a JSON object (a value that is not JSON is a string).
nlohmann::json set_options_section(const std::vector<std::string>& sets);

}  // namespace glassbox::app
