#pragma once
// Parses a subcommand's words with Boost.Program_options; unknown options and bad values
// become ConfigError (exit code 2) with the option named.
#include <boost/program_options.hpp>

#include "command.h"

namespace glassbox::app {

namespace po = boost::program_options;

po::variables_map parse_options(const Args& args, const po::options_description& desc,
                                const po::positional_options_description& positional,
                                const std::string& command);

// Prints "usage: glassbox COMMAND ..." and the options when --help was given.
bool print_help_if_asked(const po::variables_map& vm, const po::options_description& desc,
                         const std::string& usage);

}  // namespace glassbox::app
