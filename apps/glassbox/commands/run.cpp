// glassbox run CONFIG [--set key.path=value]... [--out DIR]
// Under mpirun: data-parallel training across the ranks, rank 0 writes the results folder
// (replica_launch.h, docs/mpi.md).
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "command.h"
#include "experiment_runner.h"
#include "explain_step.h"
#include "glassbox/experiment.h"
#include "glassbox/plugin_check.h"
#include "options.h"
#include "replica_launch.h"

namespace glassbox::app {

namespace {

int run_command(const Args& args, Context& ctx, const ReplicaLaunch& launch) {
  po::options_description desc("run options");
  std::vector<std::string> sets;
  desc.add_options()
      ("config", po::value<std::string>(), "experiment file (JSON)")
      ("set", po::value<std::vector<std::string>>(&sets), "override a value: key.path=value (repeatable)")
      ("out", po::value<std::string>(), "results folder (default runs/<name>-<timestamp>)")
      ("check", "only validate the file and list the plugins it needs")
      ("help,h", "show this help");
  po::positional_options_description pos;
  pos.add("config", 1);
  auto vm = parse_options(args, desc, pos, "run");
  if (print_help_if_asked(vm, desc, "glassbox run CONFIG [--set key=value]... [--out DIR]")) return kExitOk;
  if (!vm.count("config")) throw ConfigError("missing experiment file (usage: glassbox run CONFIG)");

  Experiment e = load_experiment(vm["config"].as<std::string>(), sets);
  Registry& reg = ctx.registry();
  check_experiment_plugins(e.config, reg, e.source);  // dataset, layers, optimizer
  if (e.has("explain")) check_explain_section(e);  // methods, composites, rules
  if (vm.count("check")) {
    if (launch.lead()) std::cout << e.source << ": valid experiment '" << e.name() << "'\n";
    return kExitOk;
  }

  RunOptions options;
  if (vm.count("out")) options.out_dir = vm["out"].as<std::string>();
  options.staged = true;  // a killed run never leaves a folder mixing two runs
  options.verbose = ctx.quiet ? 0 : option<int>(e.section("train"), "verbose", 1);
  if (!ctx.quiet) options.log = &std::cout;
  options.replicas = launch.world;
  if (!launch.lead()) {
    // The others train alike but keep nothing: their folder is scratch.
    options.out_dir = replica_scratch_dir(launch);
    options.staged = false;
    options.verbose = 0;
  }
  RunResult r = run_experiment(e, reg, options);
  if (!launch.lead()) {
    std::error_code ec;
    std::filesystem::remove_all(options.out_dir, ec);
    return kExitOk;
  }
  std::cout << std::fixed << std::setprecision(4) << "test accuracy " << r.test.accuracy << ", test loss "
            << r.test.loss << " after " << r.history.epochs.size() << " epoch(s); results in " << r.out_dir << "\n";
  return kExitOk;
}

}  // namespace

int cmd_run(const Args& args, Context& ctx) {
  const ReplicaLaunch launch = start_replicas(ctx);
  return run_on_replicas(launch, "run", [&] { return run_command(args, ctx, launch); });
}

}  // namespace glassbox::app
