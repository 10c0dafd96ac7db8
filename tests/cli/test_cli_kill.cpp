// `glassbox run --out DIR` (training with a checkpoint after every epoch, then the final
// save) killed with SIGKILL at 20 moments drawn from a seed: half at a random instant of
// the run (a timer), half at a random one of the file system calls the run makes on its
// results (each checkpoint save, the model save, the metrics, the swap of the finished
// folder), on entry to that call (strace's fault injection delivers the SIGKILL there,
// so these moments are exact). After every kill:
//   - DIR is a complete results folder equal, file for file (timings aside), to a complete
//     run of one of the two seeds the runs alternate between;
//   - `glassbox explain --model F` on every folder F the runs leave (DIR, its model and
//     checkpoint, the staging folder DIR.tmp and everything in it) either loads a model
//     whose files equal that complete run's, or refuses F with a message naming it
//     incomplete (exit 1). No command ever loads a half-written model.
// The moments come from GLASSBOX_KILL_SEED (default 15): the same seed gives the same
// moments. Needs strace (Debian package strace); skipped without it, a failure with CI=true.
#define BOOST_TEST_MODULE cli_kill
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "data_required.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kDir = [] {
  std::string d = "/tmp/glassbox-cli-kill-" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d + "/traces");
  return d;
}();
const std::string kOut = kDir + "/out";
const std::string kExperiment = kDir + "/kill.json";
// The calls traced: those that create, write, sync, rename and remove files and folders.
const std::string kTracedCalls = "openat,write,fsync,fdatasync,rename,renameat,renameat2,mkdir,unlink,unlinkat,rmdir";
const int kSeeds[2] = {100, 200};

std::uint64_t kill_seed() {
  const char* s = std::getenv("GLASSBOX_KILL_SEED");
  return s && *s ? std::strtoull(s, nullptr, 10) : 15;
}

// Synthetic patches, four epochs with a checkpoint after each: a run saves five models.
void write_experiment() {
  const json e = {
      {"name", "kill"},
      {"data",
       {{"dataset", "synthetic"}, {"options", {{"samples", 96}, {"test_samples", 32}}}, {"validation_split", 0.25}}},
      {"model",
       {{"layers",
         {{{"type", "flatten"}},
          {{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
          {{"type", "dense"}, {"units", 4}}}}}},
      {"train",
       {{"epochs", 4}, {"batch_size", 16}, {"csv_log", "training.csv"},
        {"checkpoint", {{"monitor", "val_loss"}, {"save_best_only", false}}}}}};
  std::ofstream(kExperiment) << e.dump(2);
}

// Starts `[prefix...] glassbox -q run kill.json --out DIR --set seed=SEED`, output discarded.
pid_t start_run(int seed, std::vector<std::string> argv) {
  for (const std::string& a : {std::string(GLASSBOX_BINARY_DIR "/glassbox"), std::string("-q"), std::string("run"),
                               kExperiment, std::string("--out"), kOut, std::string("--set"),
                               "seed=" + std::to_string(seed)})
    argv.push_back(a);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("GLASSBOX_PLUGIN_PATH", "", 1);
    ::setenv("GLASSBOX_NO_BLAS_FIX", "1", 1);  // no re-execution: one process image to trace
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

std::vector<std::string> strace(const std::string& log, const std::string& inject = "") {
  std::vector<std::string> a = {"strace", "-f", "-y", "-q", "-o", log, "-e", "trace=" + kTracedCalls};
  if (!inject.empty()) a.insert(a.end(), {"-e", "inject=" + inject});
  return a;
}

// One traced call of the run's main thread: its name, its number among the main thread's
// calls of that name (1-based, as strace's when= counts), and the path it names.
struct Call {
  std::string name, path;
  std::size_t ordinal = 0;
};

// The path a trace line names inside `dir`: a quoted argument or an fd's <path>, with the
// process id in a temporary file's name ("x.npy.tmp.4711") replaced by "PID".
std::string path_in(const std::string& line, const std::string& dir) {
  const auto at = line.find(dir);
  if (at == std::string::npos) return "";
  std::string path = line.substr(at, line.find_first_of("\">", at) - at);
  const auto tmp = path.rfind(".tmp.");
  if (tmp != std::string::npos && path.find_first_not_of("0123456789", tmp + 5) == std::string::npos)
    path = path.substr(0, tmp + 5) + "PID";
  return path;
}

// The main thread's calls in a trace file; `killed` is set to the call it was killed in.
std::vector<Call> main_thread_calls(const std::string& log, std::optional<Call>* killed = nullptr) {
  std::ifstream in(log);
  std::string line, main_pid;
  std::map<std::string, std::size_t> counts;
  std::vector<Call> calls;
  bool last_unfinished = false;
  while (std::getline(in, line)) {
    // "PID  call(...)": strace pads the pid to a column, so pids of fewer digits are
    // followed by more than one space.
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    const auto start = line.find_first_not_of(' ', space);
    if (start == std::string::npos) continue;
    const std::string pid = line.substr(0, space), rest = line.substr(start);
    if (main_pid.empty()) main_pid = pid;
    if (pid != main_pid) continue;
    if (killed && contains(rest, "+++ killed by SIGKILL +++") && last_unfinished) *killed = calls.back();
    const auto paren = rest.find('(');
    if (rest.rfind("<...", 0) == 0 || rest.rfind("+++", 0) == 0 || rest.rfind("---", 0) == 0 ||
        paren == std::string::npos)
      continue;
    Call c{rest.substr(0, paren), path_in(rest, kDir), 0};
    c.ordinal = ++counts[c.name];
    calls.push_back(c);
    last_unfinished = contains(rest, "= ?") || contains(rest, "<unfinished ...>");
  }
  return calls;
}

// The files of a folder (recursively) as they must be equal run to run: the clock
// readings of metrics.json and training.csv left out.
std::map<std::string, std::string> comparable_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::string text(std::istreambuf_iterator<char>(in), {});
    const std::string name = fs::relative(f.path(), dir).string();
    if (name == "metrics.json") {
      json m = json::parse(text);
      m.erase("seconds_total");
      for (auto& ep : m["epochs"]) ep.erase("seconds");
      text = m.dump();
    } else if (name == "training.csv") {
      std::istringstream lines(text);
      text.clear();
      for (std::string l; std::getline(lines, l);) {
        // epoch,loss,accuracy,val_loss,val_accuracy,seconds,learning_rate: drop column 6
        std::vector<std::string> cells;
        std::stringstream cs(l);
        for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
        if (cells.size() > 5) cells.erase(cells.begin() + 5);
        for (const auto& c : cells) text += c + ",";
        text += "\n";
      }
    }
    out[name] = text;
  }
  return out;
}

struct Reference {
  std::map<std::string, std::string> files;  // of the complete results folder
  std::vector<Call> calls;                   // the main thread's traced calls
};

// Which reference a complete results folder equals (by its config's seed), checked whole.
int matching_seed(const std::map<int, Reference>& refs) {
  std::ifstream cf(kOut + "/config.json");
  const int seed = json::parse(cf)["seed"].get<int>();
  BOOST_TEST_REQUIRE(refs.count(seed) == 1u, "seed " << seed << " in " << kOut);
  BOOST_TEST((comparable_files(kOut) == refs.at(seed).files), kOut << " equals the complete run of seed " << seed);
  return seed;
}

// Every folder the runs leave: DIR, DIR.tmp (and DIR.old) and every folder inside them.
std::vector<fs::path> left_folders() {
  std::vector<fs::path> out;
  for (const std::string& top : {kOut, kOut + ".tmp", kOut + ".old"}) {
    std::error_code ec;
    if (!fs::is_directory(top, ec)) continue;
    out.emplace_back(top);
    for (const auto& f : fs::recursive_directory_iterator(top, ec))
      if (f.is_directory()) out.push_back(f.path());
  }
  return out;
}

// `glassbox explain --model F` on every folder left: a load must be of a complete model.
void check_every_load(const std::map<int, Reference>& refs, int seed, const std::string& label) {
  int n = 0;
  for (const fs::path& folder : left_folders()) {
    const std::string out = kDir + "/explain-" + std::to_string(n++);
    const auto r = run_glassbox("-q explain --model " + folder.string() + " --count 1 --method gradient --out " + out);
    BOOST_TEST_CONTEXT(label << ": explain --model " << folder.string()) {
      if (r.code == 0) {
        const fs::path loaded = fs::exists(folder / "model.json") ? folder : folder / "model";
        const std::string rel = fs::relative(loaded, kOut).string();
        BOOST_TEST_REQUIRE((rel == "model" || rel == "checkpoint"), "loaded " << loaded.string());
        std::map<std::string, std::string> want;
        for (const auto& [name, text] : refs.at(seed).files)
          if (name.rfind(rel + "/", 0) == 0) want[name.substr(rel.size() + 1)] = text;
        BOOST_TEST((comparable_files(loaded) == want), "the loaded model equals the complete save");
      } else {
        BOOST_TEST(r.code == 1, r.out);
        BOOST_TEST(contains(r.out, "incomplete"), r.out);
      }
    }
    fs::remove_all(out);
  }
}

// Complete runs of both seeds, traced (the second of each replaces the first, as every
// later run replaces a complete folder); the same seed must give the same folder.
std::map<int, Reference> complete_runs() {
  std::map<int, Reference> refs;
  for (int round = 0; round < 2; ++round)
    for (int seed : kSeeds) {
      const std::string log = kDir + "/traces/complete-" + std::to_string(seed) + ".txt";
      const int status = wait_for(start_run(seed, strace(log)));
      BOOST_TEST_REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0), "complete run of seed " << seed);
      if (round == 0) refs[seed].files = comparable_files(kOut);
      else BOOST_TEST((comparable_files(kOut) == refs[seed].files), "seed " << seed << " run to run");
      refs[seed].calls = main_thread_calls(log);
    }
  return refs;
}

// SIGKILL after `at` (a fraction) of a run's duration.
std::string kill_at_instant(int seed, double at, std::chrono::steady_clock::duration duration) {
  const pid_t pid = start_run(seed, {});
  std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(duration * at));
  ::kill(pid, SIGKILL);
  wait_for(pid);
  return "at " + std::to_string(at) + " of a run";
}

// SIGKILL on entry to the call `c` of a run, checked in the run's own trace.
std::string kill_in_call(int seed, const Call& c, const std::string& log) {
  // From the state the reference run started from (a complete DIR and nothing beside it),
  // so that the run makes the same calls up to the chosen one.
  fs::remove_all(kOut + ".tmp");
  fs::remove_all(kOut + ".old");
  const std::string where = "in " + c.name + " #" + std::to_string(c.ordinal) + " on " + c.path;
  const int status = wait_for(start_run(seed, strace(log, c.name + ":signal=KILL:when=" + std::to_string(c.ordinal))));
  std::optional<Call> killed;
  main_thread_calls(log, &killed);
  BOOST_TEST_REQUIRE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL), where << ": killed");
  BOOST_TEST_REQUIRE(killed.has_value(), where << ": the trace shows the call it was killed in");
  BOOST_TEST((killed->name == c.name && killed->path == c.path && killed->ordinal == c.ordinal),
             where << ": killed in " << killed->name << " #" << killed->ordinal << " on " << killed->path);
  return where;
}

// A model being saved: a checkpoint or the final model in its staging folder.
bool in_model_save(const Call& c) { return contains(c.path, "/model.tmp") || contains(c.path, "/checkpoint.tmp"); }

}  // namespace

BOOST_AUTO_TEST_CASE(twenty_kills_never_leave_a_model_that_a_command_loads_unless_complete,
                     *gbtest::needs_tool("strace", "strace -f -o /dev/null true", "apt-get install strace")) {
  write_experiment();
  const std::map<int, Reference> refs = complete_runs();
  const auto t0 = std::chrono::steady_clock::now();
  BOOST_TEST_REQUIRE(WIFEXITED(wait_for(start_run(kSeeds[0], {}))));
  const auto duration = std::chrono::steady_clock::now() - t0;

  std::mt19937_64 rng(kill_seed());
  BOOST_TEST_MESSAGE("kill seed " << kill_seed() << " (GLASSBOX_KILL_SEED)");
  int in_saves = 0;
  for (int i = 0; i < 20; ++i) {
    const int seed = kSeeds[i % 2];
    std::vector<Call> targets;
    for (const Call& c : refs.at(seed).calls)
      if (c.path.rfind(kOut, 0) == 0) targets.push_back(c);  // DIR, DIR.tmp and what is in them
    BOOST_TEST_REQUIRE(targets.size() > 20u, "the run's calls on its results folder");
    std::string label = "kill " + std::to_string(i) + " (seed " + std::to_string(seed) + ") ";
    if (i % 4 < 2) {
      label += kill_at_instant(seed, static_cast<double>(rng() >> 11) * 0x1.0p-53, duration);
    } else {
      const Call& c = targets[rng() % targets.size()];
      in_saves += in_model_save(c);
      label += kill_in_call(seed, c, kDir + "/traces/kill-" + std::to_string(i) + ".txt");
    }
    BOOST_TEST_MESSAGE(label << (fs::exists(kOut + ".tmp") ? ", staging folder left" : ""));
    BOOST_TEST_CONTEXT(label) {
      const int found = matching_seed(refs);
      check_every_load(refs, found, label);
    }
  }
  BOOST_TEST_MESSAGE(in_saves << " of the kills in a call of a model save");
  BOOST_TEST(in_saves >= 3, "kills inside a model save: " << in_saves);
}
