#include "options.h"

#include <iostream>

#include "glassbox/error.h"

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

}  // namespace glassbox::app
