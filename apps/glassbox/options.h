#pragma once
// Parses a subcommand's words with Boost.Program_options; unknown options and bad values
// become ConfigError (exit code 2) with the option named.
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>

#include "command.h"

namespace glassbox::app {

namespace po = boost::program_options;

po::variables_map parse_options(const Args& args, const po::options_description& desc,
                                const po::positional_options_description& positional,
                                const std::string& command);

// "k=v" words into a JSON object; a value is parsed as JSON when it is JSON, else kept as
// text. Errors name --option.
nlohmann::json parse_assignments(const std::vector<std::string>& words, const std::string& option);

// The data section of the run a model folder belongs to (the config.json next to it: the
// same normalization and classes as in training), or {"dataset": --data} when --data names
// another dataset; `source` is set to where it came from ("command line" or the file).
nlohmann::json run_data_section(const std::string& model_dir, const po::variables_map& vm, std::string& source);

// Prints "usage: glassbox COMMAND ..." and the options when --help was given.
bool print_help_if_asked(const po::variables_map& vm, const po::options_description& desc,
                         const std::string& usage);

}  // namespace glassbox::app
