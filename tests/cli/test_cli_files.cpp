// The files `glassbox` reads and writes under hostile conditions: a FIFO or a device where
// a data file, a weight file or an experiment file was expected (refused at once, every
// command under a timeout so a regression fails instead of hanging), and `glassbox run`
// killed at many moments (the results folder holds one complete run or is refused).
#define BOOST_TEST_MODULE cli_files
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "glassbox/error.h"
#include "glassbox/folder_swap.h"
#include "glassbox/model.h"
#include "glassbox/plugin_loader.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Every command here would block forever on a FIFO if the check regressed.
const std::string kTimeout = "timeout 30";

std::string tmp(const std::string& name) {
  static const std::string dir = [] {
    std::string d = "/tmp/glassbox-cli-files-" + std::to_string(::getpid());
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

std::string write(const std::string& name, const std::string& text) {
  return gbtest::write_file(fs::path(tmp(name)).parent_path().string(), fs::path(name).filename().string(), text);
}

std::string fifo(const std::string& name) {
  const std::string p = tmp(name);
  ::unlink(p.c_str());
  BOOST_REQUIRE(::mkfifo(p.c_str(), 0600) == 0);
  return p;
}

// A tiny experiment on the synthetic patches (a run takes a fraction of a second).
json tiny_experiment(const json& data) {
  return {{"name", "files"},
          {"seed", 1},
          {"data", data},
          {"model",
           {{"layers",
             {{{"type", "flatten"}},
              {{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
              {{"type", "dense"}, {"units", 4}}}}}},
          {"train", {{"epochs", 2}, {"batch_size", 16}, {"verbose", 0}}}};
}
const json kSynthetic = {{"dataset", "synthetic"}, {"options", {{"samples", 96}, {"test_samples", 32}}}};

std::map<std::string, std::string> npy_files(const fs::path& model) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::directory_iterator(model))
    if (f.path().extension() == ".npy") {
      std::ifstream in(f.path(), std::ios::binary);
      out[f.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(fifo_as_experiment_file_is_refused_not_waited_on) {
  const std::string f = fifo("exp.json");
  auto r = run_glassbox("run " + f, kTimeout);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, f + ": not a regular file (a FIFO); expected a regular experiment file"),
             r.out);
}

BOOST_AUTO_TEST_CASE(fifo_and_dev_zero_as_csv_data_are_refused_at_once) {
  const std::string f = fifo("data.csv");
  auto r = run_glassbox("run " + write("csv-fifo.json", tiny_experiment({{"dataset", "csv"}, {"path", f}}).dump()), kTimeout);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, f + ": not a regular file (a FIFO)"), r.out);
  // /dev/zero would otherwise be read as one endless line until memory runs out.
  r = run_glassbox("run " + write("csv-zero.json", tiny_experiment({{"dataset", "csv"}, {"path", "/dev/zero"}}).dump()),
                   kTimeout);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, "/dev/zero: not a regular file (a character device); expected a regular CSV file"), r.out);
}

BOOST_AUTO_TEST_CASE(fifo_as_weight_file_makes_explain_fail_not_hang) {
  const std::string run = tmp("fifo-run");
  auto r = run_glassbox("-q run " + write("fifo-run.json", tiny_experiment(kSynthetic).dump()) + " --out " + run, kTimeout);
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  // The user's own input as a PNG.
  const std::string png = fifo("input.png");
  r = run_glassbox("explain --model " + run + " --input " + png + " --out " + tmp("fifo-explain"), kTimeout);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, png + ": not a regular file (a FIFO); expected a regular PNG file"), r.out);
  // A weight file of the model.
  const std::string weight = run + "/model/dense_1.kernel.npy";
  BOOST_REQUIRE(fs::remove(weight));
  BOOST_REQUIRE(::mkfifo(weight.c_str(), 0600) == 0);
  r = run_glassbox("explain --model " + run + " --count 1 --out " + tmp("fifo-explain"), kTimeout);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, weight + ": not a regular file (a FIFO); expected a regular .npy file"),
             r.out);
}

BOOST_AUTO_TEST_CASE(fifo_as_idx_file_is_refused_at_once) {
  const std::string images = fifo("images.idx"), labels = fifo("labels.idx");
  auto r = run_glassbox(
      "run " + write("idx-fifo.json", tiny_experiment({{"dataset", "idx"}, {"images", images}, {"labels", labels}}).dump()),
      kTimeout);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, images + ": not a regular file (a FIFO); expected a regular IDX file"),
             r.out);
}

// `glassbox run --out DIR` killed at ~20 moments from start to the final swap: DIR always
// holds one complete run (config.json, metrics.json, and a model whose .npy files are
// those of a complete run of the same seed) or is absent; a staging folder left beside it
// is refused as incomplete.
BOOST_AUTO_TEST_CASE(killed_runs_never_leave_a_mixed_results_folder) {
  const std::string exp = write("kill.json", tiny_experiment(kSynthetic).dump());
  const std::string out = tmp("kill-out");
  const std::string staged = glassbox::staging_folder(out);
  glassbox::Registry registry;
  glassbox::load_plugin(registry, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_layers.so");

  auto start = [&](int seed) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::setenv("GLASSBOX_PLUGIN_PATH", "", 1);
      const std::string set = "seed=" + std::to_string(seed);
      std::freopen("/dev/null", "w", stdout);
      std::freopen("/dev/null", "w", stderr);
      ::execl(GLASSBOX_BINARY_DIR "/glassbox", "glassbox", "-q", "run", exp.c_str(), "--out", out.c_str(), "--set",
              set.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  };
  auto finish = [](pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
  };
  // A complete run of `seed` into DIR: its duration, and its weights by file name.
  auto complete_run = [&](int seed) {
    const auto t0 = std::chrono::steady_clock::now();
    const int status = finish(start(seed));
    BOOST_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    return std::make_pair(std::chrono::steady_clock::now() - t0, npy_files(fs::path(out) / "model"));
  };

  auto [duration, previous] = complete_run(100);
  int previous_seed = 100;
  const int kills = 20;
  // The moment of the swap, as a fraction of a run: between the latest kill that found
  // the previous run and the earliest that found the new one.
  double last_previous = 0, first_new = 1;
  for (int i = 0; i < kills; ++i) {
    const int seed = i;
    // Half the kills spread over the whole run; the other half over the 12% of it before
    // the swap and a little after (saving the model, fsync, swap, removing the old run).
    const double swap_at = (last_previous + first_new) / 2;
    const double at = i < kills / 2 ? (i + 0.5) / (kills / 2) : swap_at - 0.12 + 0.15 * (i - kills / 2) / (kills / 2);
    const pid_t pid = start(seed);
    std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(duration * at));
    ::kill(pid, SIGKILL);
    finish(pid);

    BOOST_TEST_CONTEXT("kill " << i << " at " << at << " of a run") {
      // DIR is never absent after the first complete run, and always complete.
      BOOST_TEST_REQUIRE(glassbox::is_complete_results_folder(out));
      std::ifstream cf(out + "/config.json");
      const int found_seed = json::parse(cf)["seed"].get<int>();
      BOOST_TEST_REQUIRE((found_seed == previous_seed || found_seed == seed), "seed " << found_seed);
      const auto found = npy_files(fs::path(out) / "model");
      if (i < kills / 2) {
        if (found_seed == seed) first_new = std::min(first_new, at);
        else last_previous = std::max(last_previous, at);
      }
      BOOST_TEST_MESSAGE("kill " << i << " at " << at << ": " << (found_seed == seed ? "new run" : "previous run")
                                 << (fs::exists(staged) ? ", staging folder left" : ""));
      BOOST_TEST(glassbox::MyDeepLearning::load(out + "/model", registry).param_count() > 0u);
      if (fs::exists(staged)) {
        BOOST_TEST(!glassbox::is_complete_results_folder(staged));
        if (fs::exists(staged + "/model")) {
          try {
            glassbox::MyDeepLearning::load(staged + "/model", registry);
            BOOST_TEST(false, "the staging folder's model was loaded");
          } catch (const glassbox::DataError& e) {
            BOOST_TEST(contains(e.what(), "incomplete model folder"), e.what());
          }
        }
      }
      // The next complete run of the same seed gives the weights the killed one had, if
      // its swap happened.
      auto [d, now] = complete_run(seed);
      if (found_seed == previous_seed) BOOST_TEST((found == previous), "weights of the previous run");
      else BOOST_TEST((found == now), "weights of the killed run");
      duration = (duration + d) / 2;
      previous = now;
      previous_seed = seed;
    }
  }
}
