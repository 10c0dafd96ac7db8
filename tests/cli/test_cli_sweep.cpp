// `glassbox sweep` on one machine: a 2 x 2 grid runs four experiments (two at a time as
// child `glassbox run`s) and its comparison lists them with their grid points and the
// figures of their own results folders; a plain `glassbox run` with the same --set gives
// the same figures. Refusals name the argument or the grid point.
#define BOOST_TEST_MODULE cli_sweep
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;

namespace {

const std::string& dir() {
  static const std::string d = gbtest::fresh_dir("cli-sweep");
  return d;
}

json experiment() {
  return {{"name", "sweep-mlp"},
          {"seed", 3},
          {"data",
           {{"dataset", "synthetic"},
            {"options", {{"samples", 120}, {"test_samples", 40}, {"num_classes", 4}, {"noise", 0.8}}}}},
          {"model",
           {{"layers",
             {{{"type", "flatten"}}, {{"type", "dense"}, {"units", 8}, {"activation", "relu"}}, {{"type", "dense"}, {"units", 4}}}}}},
          {"train", {{"epochs", 2}, {"batch_size", 10}, {"optimizer", {{"type", "sgd"}, {"learning_rate", 0.05}}}}}};
}

std::string config(const std::string& name, const json& e) { return gbtest::write_file(dir(), name + ".json", e.dump()); }

const std::string kGrid = " --grid train.optimizer.learning_rate=0.01,0.1 --grid model.layers.1.units=4,16";

}  // namespace

BOOST_AUTO_TEST_CASE(a_two_by_two_grid_runs_four_experiments_and_compares_them) {
  const std::string out = dir() + "/grid";
  const auto r = run_glassbox("sweep " + config("grid", experiment()) + kGrid + " --jobs 2 --out " + out);
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  const json c = gbtest::read_json(out + "/sweep.json");
  BOOST_TEST_REQUIRE(c["runs"].size() == 4u);
  // The first axis varies slowest.
  const double rates[] = {0.01, 0.01, 0.1, 0.1};
  const int units[] = {4, 16, 4, 16};
  for (std::size_t i = 0; i < 4; ++i) {
    const json& run = c["runs"][i];
    BOOST_TEST(run["run"] == "run-" + std::to_string(i + 1));
    BOOST_TEST(run["status"] == "ok", run.dump());
    BOOST_TEST(run["assignments"]["train.optimizer.learning_rate"].get<double>() == rates[i]);
    BOOST_TEST(run["assignments"]["model.layers.1.units"].get<int>() == units[i]);
    const json m = gbtest::read_json(out + "/run-" + std::to_string(i + 1) + "/metrics.json");
    BOOST_TEST(run["test_accuracy"].get<double>() == m["test_accuracy"].get<double>());
    BOOST_TEST(run["test_loss"].get<double>() == m["test_loss"].get<double>());
    BOOST_TEST(run["epochs"].get<int>() == 2);
    BOOST_TEST(m["params"].get<int>() == 784 * units[i] + units[i] + units[i] * 4 + 4);
  }
  // Run 4 is `glassbox run` with those two settings.
  const auto plain = run_glassbox("run " + config("grid", experiment()) +
                                  " --set train.optimizer.learning_rate=0.1 --set model.layers.1.units=16 --out " +
                                  dir() + "/plain");
  BOOST_TEST_REQUIRE(plain.code == 0, plain.out);
  BOOST_TEST(gbtest::read_json(dir() + "/plain/metrics.json")["test_loss"].get<double>() ==
             c["runs"][3]["test_loss"].get<double>());
  // The table names every key and run; best is the run of the highest test accuracy.
  for (const char* word : {"train.optimizer.learning_rate", "model.layers.1.units", "run-4", "test_accuracy"})
    BOOST_TEST(contains(r.out, word), word);
  double best = -1;
  std::string best_run;
  for (const auto& run : c["runs"])
    if (run["test_accuracy"].get<double>() > best) best = run["test_accuracy"], best_run = run["run"];
  BOOST_TEST(c["best"] == best_run);
}

BOOST_AUTO_TEST_CASE(the_sweep_section_gives_axes_and_a_failed_run_is_recorded) {
  json e = experiment();
  e["sweep"] = {{"grid", {{"model.layers.1.units", {4, json::array({1, 2})}}}}, {"jobs", 1}};
  const std::string out = dir() + "/section";
  const auto r = run_glassbox("sweep " + config("section", e) + " --out " + out);
  BOOST_TEST(r.code == 1, r.out);  // one run failed
  const json c = gbtest::read_json(out + "/sweep.json");
  BOOST_TEST_REQUIRE(c["runs"].size() == 2u);
  BOOST_TEST(c["runs"][0]["status"] == "ok");
  BOOST_TEST(c["runs"][1]["status"] == "failed");
  BOOST_TEST(contains(c["runs"][1]["error"].get<std::string>(), "units"), c["runs"][1]["error"]);
  BOOST_TEST(c["best"] == "run-1");
}

BOOST_AUTO_TEST_CASE(a_bracketed_value_is_one_value) {
  const std::string out = dir() + "/brackets";
  const auto r = run_glassbox("sweep " + config("brackets", experiment()) +
                              " --grid 'data.options.num_classes=4,3' --grid 'data.classes=[0,1],[1,2]' --out " + out);
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  const json c = gbtest::read_json(out + "/sweep.json");
  BOOST_TEST_REQUIRE(c["runs"].size() == 4u);
  BOOST_TEST(c["runs"][1]["assignments"]["data.classes"] == json::array({1, 2}));
}

BOOST_AUTO_TEST_CASE(bad_grids_are_refused_naming_the_argument_or_point) {
  const std::string cfg = config("bad", experiment());
  const auto no_eq = run_glassbox("sweep " + cfg + " --grid train.epochs --out " + dir() + "/x");
  BOOST_TEST(no_eq.code == 2);
  BOOST_TEST(contains(no_eq.out, "--grid 'train.epochs': expected key.path=value1,value2"), no_eq.out);
  const auto bad_value = run_glassbox("sweep " + cfg + " --grid train.epochs=1,abc --out " + dir() + "/x");
  BOOST_TEST(bad_value.code == 2);
  BOOST_TEST(contains(bad_value.out, "run-2 (train.epochs=abc)"), bad_value.out);
  BOOST_TEST(contains(bad_value.out, "train.epochs: expected an integer"), bad_value.out);
  const auto twice = run_glassbox("sweep " + cfg + " --grid train.epochs=1 --grid train.epochs=2 --out " + dir() + "/x");
  BOOST_TEST(twice.code == 2);
  BOOST_TEST(contains(twice.out, "'train.epochs' is given twice"), twice.out);
  const auto none = run_glassbox("sweep " + cfg + " --out " + dir() + "/x");
  BOOST_TEST(none.code == 2);
  BOOST_TEST(contains(none.out, "a sweep needs a grid"), none.out);
  const auto empty = run_glassbox("sweep " + cfg + " --grid train.epochs=1,,2 --out " + dir() + "/x");
  BOOST_TEST(empty.code == 2);
  BOOST_TEST(contains(empty.out, "value 2 is empty"), empty.out);
}

// sweep.json stands for the sweep while it runs: read at the moment the sweep prints that
// run-1 ended (run-2, 4,000 epochs, is then still training), run-1 has its figures and
// run-2 is pending; at the end both have their figures, run-1's unchanged.
BOOST_AUTO_TEST_CASE(sweep_json_says_which_runs_ended_while_the_sweep_runs) {
  const std::string out = dir() + "/progress";
  const std::string cmd = "env GLASSBOX_PLUGIN_PATH= " GLASSBOX_BINARY_DIR "/glassbox sweep " +
                          config("progress", experiment()) + " --grid train.epochs=1,4000 --jobs 1 --out " + out + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  BOOST_TEST_REQUIRE(p != nullptr);
  json during;
  std::string printed;
  char line[4096];
  while (std::fgets(line, sizeof line, p)) {
    printed += line;
    if (during.is_null() && std::string(line) == "run-1: ok\n") during = gbtest::read_json(out + "/sweep.json");
  }
  BOOST_TEST_REQUIRE(pclose(p) == 0, printed);
  BOOST_TEST_REQUIRE(!during.is_null(), printed);
  BOOST_TEST_REQUIRE(during["runs"].size() == 2u);
  BOOST_TEST(during["runs"][0]["status"] == "ok");
  BOOST_TEST(during["runs"][1]["status"] == "pending");
  BOOST_TEST(during["runs"][1]["assignments"]["train.epochs"] == 4000);
  BOOST_TEST(during["best"] == "run-1");
  const json done = gbtest::read_json(out + "/sweep.json");
  BOOST_TEST(done["runs"][1]["status"] == "ok");
  BOOST_TEST(done["runs"][1]["epochs"] == 4000);
  BOOST_TEST(done["runs"][0] == during["runs"][0]);
}
