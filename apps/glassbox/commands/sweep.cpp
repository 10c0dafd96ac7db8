// glassbox sweep CONFIG --grid key=v1,v2 [--grid ...] [--set key=value]... [--out DIR] [--jobs K]
// Runs the experiment once per grid point into DIR/run-<i>/ and writes the comparison
// (DIR/sweep.json, DIR/sweep.txt; sweep_report.h). Locally K runs at a time, each a child
// `glassbox run`; under mpirun the grid points are dealt to the ranks (point i to rank
// i % size), each rank running its points one after another (docs/mpi.md).
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "child_process.h"
#include "command.h"
#include "experiment_runner.h"
#include "glassbox/experiment.h"
#include "glassbox/npy.h"
#include "options.h"
#include "replica_launch.h"
#include "sweep_grid.h"
#include "sweep_report.h"

namespace glassbox::app {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Sweep {
  std::string config;             // the experiment file
  std::string source, name;       // the experiment's source and name, for the comparison
  std::vector<std::string> sets;  // --set, for every run
  std::vector<GridAxis> axes;
  std::vector<GridPoint> points;
  std::string out_dir;
  int jobs = 2;
};

std::string run_folder(std::size_t i) { return "run-" + std::to_string(i + 1); }

std::vector<std::string> run_overrides(const Sweep& s, std::size_t i) {
  std::vector<std::string> o = s.sets;
  for (const auto& a : s.points[i].overrides()) o.push_back(a);
  return o;
}

// Every grid point's experiment is checked before the first run starts.
void check_points(const Sweep& s) {
  for (std::size_t i = 0; i < s.points.size(); ++i) try {
      (void)load_experiment(s.config, run_overrides(s, i));
    } catch (const ConfigError& e) {
      throw ConfigError(run_folder(i) + " (" + s.points[i].label() + "): " + e.what());
    }
}

std::string default_sweep_dir(const Experiment& e) {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::ostringstream o;
  o << "runs/" << e.name() << "-sweep-" << std::put_time(&tm, "%Y%m%d-%H%M%S");
  return o.str();
}

std::vector<std::string> child_command(const Sweep& s, std::size_t i, const Context& ctx) {
  std::vector<std::string> argv = {own_executable(), "--quiet"};
  for (const auto& d : ctx.plugin_dirs) argv.insert(argv.end(), {"--plugin-dir", d});
  argv.insert(argv.end(), {"run", s.config});
  for (const auto& o : run_overrides(s, i)) argv.insert(argv.end(), {"--set", o});
  argv.insert(argv.end(), {"--out", (fs::path(s.out_dir) / run_folder(i)).string()});
  return argv;
}

// Writes sweep.json as the sweep stands: the records of the runs that ended, "pending" for
// the others. Written before the first run and after each local run, so the folder is a
// sweep from the start (`glassbox serve` lists its runs and its progress) and a sweep that
// is killed still says which runs ended.
void write_progress(const Sweep& s, const std::vector<json>& records) {
  json runs = json::array();
  for (std::size_t i = 0; i < s.points.size(); ++i)
    runs.push_back(i < records.size() && !records[i].is_null()
                       ? records[i]
                       : json{{"run", run_folder(i)}, {"assignments", s.points[i].to_json()}, {"status", "pending"}});
  write_file_atomic((fs::path(s.out_dir) / "sweep.json").string(),
                    sweep_comparison(s.source, s.name, s.axes, std::move(runs)).dump(2) + "\n");
}

// Locally: `jobs` child processes at a time; a failed run is recorded, the others go on.
json run_locally(const Sweep& s, const Context& ctx) {
  // Each run's output beside its folder (a file, so `glassbox serve --runs DIR` lists only
  // the runs).
  const fs::path logs = fs::path(s.out_dir);
  std::vector<json> records(s.points.size());
  std::map<pid_t, std::size_t> running;
  std::size_t next = 0;
  while (next < s.points.size() || !running.empty()) {
    while (next < s.points.size() && running.size() < static_cast<std::size_t>(s.jobs)) {
      const std::string log = (logs / (run_folder(next) + ".log")).string();
      running[spawn_logged(child_command(s, next, ctx), log)] = next;
      if (!ctx.quiet) std::cout << run_folder(next) << ": " << s.points[next].label() << "\n" << std::flush;
      ++next;
    }
    int code = 0;
    const pid_t pid = wait_any_child(code);
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const std::size_t i = it->second;
    running.erase(it);
    const std::string log = (logs / (run_folder(i) + ".log")).string();
    const std::string error = code == 0 ? "" : "exit " + std::to_string(code) + ": " + last_line(log);
    records[i] = sweep_run_record(s.out_dir, run_folder(i), s.points[i], error, 0);
    write_progress(s, records);
    if (!ctx.quiet) std::cout << run_folder(i) << ": " << records[i]["status"].get<std::string>() << "\n" << std::flush;
  }
  return records;
}

// Under mpirun: rank r runs points r, r + size, ... in this process; rank 0 gathers.
json run_on_ranks(const Sweep& s, Registry& reg, ReplicaGroup& world) {
  json mine = json::array();
  for (std::size_t i = static_cast<std::size_t>(world.rank()); i < s.points.size();
       i += static_cast<std::size_t>(world.size())) {
    std::string error;
    try {
      const Experiment e = load_experiment(s.config, run_overrides(s, i));
      RunOptions options;
      options.out_dir = (fs::path(s.out_dir) / run_folder(i)).string();
      options.staged = true;
      (void)run_experiment(e, reg, options);
    } catch (const std::exception& err) {
      error = err.what();
    }
    json r = sweep_run_record(s.out_dir, run_folder(i), s.points[i], error, world.rank());
    r["index"] = i;
    mine.push_back(r);
  }
  std::vector<json> records(s.points.size());
  for (const auto& text : world.all_gather(mine.dump()))
    for (auto& r : json::parse(text)) {
      const std::size_t i = r["index"].get<std::size_t>();
      r.erase("index");
      records[i] = r;
    }
  return records;
}

Sweep read_sweep(const po::variables_map& vm, const std::vector<std::string>& grids, const Experiment& e) {
  Sweep s;
  s.config = vm["config"].as<std::string>();
  s.source = e.source;
  s.name = e.name();
  if (vm.count("set")) s.sets = vm["set"].as<std::vector<std::string>>();
  const json& section = e.section("sweep");
  s.axes = grid_from_section(section, e.source);
  for (const auto& g : grids) s.axes.push_back(parse_grid_argument(g));
  s.points = expand_grid(s.axes);
  s.jobs = section.value("jobs", 2);
  if (vm.count("jobs")) s.jobs = vm["jobs"].as<int>();
  if (s.jobs < 1 || s.jobs > 64) throw ConfigError("--jobs must be in [1, 64], got " + std::to_string(s.jobs));
  s.out_dir = vm.count("out") ? vm["out"].as<std::string>() : default_sweep_dir(e);
  return s;
}

int sweep_command(const Args& args, Context& ctx, const ReplicaLaunch& launch) {
  po::options_description desc("sweep options");
  std::vector<std::string> grids;
  desc.add_options()
      ("config", po::value<std::string>(), "experiment file (JSON)")
      ("grid", po::value<std::vector<std::string>>(&grids), "an axis: key.path=value1,value2,... (repeatable)")
      ("set", po::value<std::vector<std::string>>(), "override a value in every run: key.path=value (repeatable)")
      ("out", po::value<std::string>(), "sweep folder (default runs/<name>-sweep-<timestamp>)")
      ("jobs", po::value<int>(), "runs at a time on this machine (default: sweep.jobs, else 2)")
      ("help,h", "show this help");
  po::positional_options_description pos;
  pos.add("config", 1);
  auto vm = parse_options(args, desc, pos, "sweep");
  if (print_help_if_asked(vm, desc, "glassbox sweep CONFIG --grid key=v1,v2 [--grid ...] [--out DIR]")) return kExitOk;
  if (!vm.count("config")) throw ConfigError("missing experiment file (usage: glassbox sweep CONFIG --grid ...)");
  const Experiment e = load_experiment(vm["config"].as<std::string>(),
                                       vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{});
  Sweep s = read_sweep(vm, grids, e);
  check_points(s);
  std::error_code ec;
  fs::create_directories(s.out_dir, ec);
  if (ec) throw Error(s.out_dir + ": cannot create the sweep folder (" + ec.message() + ")");
  if (launch.lead() && !ctx.quiet)
    std::cout << "sweep: " << s.points.size() << " runs of " << e.source << " into " << s.out_dir
              << (launch.parallel() ? " on " + std::to_string(launch.world->size()) + " ranks" : "") << "\n" << std::flush;
  // Under any MPI launch (even of one rank) the runs stay in this process: a child would
  // inherit the launcher's environment and try to join it.
  if (launch.lead()) write_progress(s, {});
  const json records = launch.world ? run_on_ranks(s, ctx.registry(), *launch.world) : run_locally(s, ctx);
  if (!launch.lead()) return kExitOk;
  const json comparison = sweep_comparison(s.source, s.name, s.axes, records);
  const std::string table = sweep_table(comparison);
  write_file_atomic((fs::path(s.out_dir) / "sweep.json").string(), comparison.dump(2) + "\n");
  write_file_atomic((fs::path(s.out_dir) / "sweep.txt").string(), table);
  std::cout << table << "comparison in " << (fs::path(s.out_dir) / "sweep.json").string() << "\n";
  for (const auto& r : comparison["runs"])
    if (r["status"] != "ok") return kExitFailure;
  return kExitOk;
}

}  // namespace

int cmd_sweep(const Args& args, Context& ctx) {
  const ReplicaLaunch launch = start_replicas(ctx);
  return run_on_replicas(launch, "sweep", [&] { return sweep_command(args, ctx, launch); });
}

}  // namespace glassbox::app
