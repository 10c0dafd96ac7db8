// The files `glassbox` reads and writes under hostile conditions: a FIFO or a device where
// a data file, a weight file or an experiment file was expected (refused at once, every
// command under a timeout so a regression fails instead of hanging). `glassbox run` killed
// at many moments is test_cli_kill.cpp.
#define BOOST_TEST_MODULE cli_files
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

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
