#pragma once
// The data a saved model is analysed on, for the commands that read a model folder
// (signatures, similarity, concepts): the data section of the model's run (its config.json next to
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

// The data section: the run's (run_data_section), with --classes and --unseen on top;
// `source` names where it came from. ConfigError naming the option, or when no dataset
// is known (no run configuration and no --data).
nlohmann::json saved_run_data_section(const std::string& model_dir, const po::variables_map& vm, std::string& source);

// Loads the data views of saved_run_data_section.
ExperimentData load_saved_run_data(const std::string& model_dir, const po::variables_map& vm, Registry& registry);

}  // namespace glassbox::app
