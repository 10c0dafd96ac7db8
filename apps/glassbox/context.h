#pragma once
// What every subcommand shares: global options and the registry, with plugins loaded on
// first use.
#include <string>
#include <vector>

#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

namespace glassbox::app {

// Exit codes of the driver.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // the work failed (bad data, training error)
constexpr int kExitUsage = 2;    // bad command line or configuration

struct Context {
  std::vector<std::string> plugin_dirs;  // --plugin-dir, in order
  bool quiet = false;
  std::string program = "glassbox";

  // Loads plugins once. Problems in explicitly requested folders throw PluginError;
  // others are printed as warnings (one line each) and skipped.
  Registry& registry();
  const std::vector<PluginProblem>& plugin_problems() const { return problems_; }

 private:
  bool loaded_ = false;
  Registry registry_;
  std::vector<PluginProblem> problems_;
};

}  // namespace glassbox::app
