// Sweeps kept in the runs folder: a folder holding sweep.json is a sweep, not a run; its
// run-<i> folders are runs with the IDs "<sweep>/run-<i>", served by every run route, and
// GET /api/sweeps gives each sweep.json with those IDs. Links and look-alikes are no sweeps.
#define BOOST_TEST_MODULE web_sweeps
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "tensor_pack.h"
#include "web_fixture.h"

using namespace webtest;

namespace {

// A sweep as `glassbox sweep --out RUNS/<name>` leaves it: sweep.json and run-<i> folders
// (here copies of one trained run); run-3 is recorded but has no folder.
void make_sweep(const fs::path& folder, const fs::path& trained) {
  fs::create_directories(folder);
  for (const char* run : {"run-1", "run-2"}) fs::copy(trained, folder / run, fs::copy_options::recursive);
  std::ofstream(folder / "sweep.json") << R"({"experiment": "exp.json", "name": "tiny",
    "grid": [{"key": "train.epochs", "values": [1, 2, 3]}],
    "runs": [{"run": "run-1", "assignments": {"train.epochs": 1}, "status": "ok", "test_accuracy": 0.5},
             {"run": "run-2", "assignments": {"train.epochs": 2}, "status": "ok", "test_accuracy": 0.75},
             {"run": "run-3", "assignments": {"train.epochs": 3}, "status": "pending"}],
    "best": "run-2"})";
}

std::vector<std::string> listed_ids(const json& list) {
  std::vector<std::string> ids;
  for (const auto& r : list["runs"]) ids.push_back(r["id"]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sweeps, TrainedRun)

BOOST_AUTO_TEST_CASE(a_sweeps_runs_are_runs_and_the_sweep_is_listed_with_their_ids) {
  make_sweep(runs / "grid", runs / id);
  // Look-alikes: run folders without sweep.json, and a link to a sweep outside the runs folder.
  fs::create_directories(runs / "plain" / "run-1");
  const fs::path outside = fs::temp_directory_path() / ("glassbox-sweep-outside-" + std::to_string(::getpid()));
  fs::remove_all(outside);
  make_sweep(outside, runs / id);
  fs::create_directory_symlink(outside, runs / "linked");

  std::vector<std::string> expected = {"grid/run-1", "grid/run-2", id, "plain"};
  std::sort(expected.begin(), expected.end());
  BOOST_TEST(listed_ids(get("/api/runs")) == expected, boost::test_tools::per_element());
  json sweeps = get("/api/sweeps")["sweeps"];
  BOOST_REQUIRE_EQUAL(sweeps.size(), 1u);
  BOOST_CHECK_EQUAL(sweeps[0]["id"], "grid");
  BOOST_CHECK_EQUAL(sweeps[0]["best"], "run-2");
  BOOST_CHECK_EQUAL(sweeps[0]["runs"][0]["id"], "grid/run-1");
  BOOST_CHECK_EQUAL(sweeps[0]["runs"][1]["id"], "grid/run-2");
  BOOST_CHECK(!sweeps[0]["runs"][2].contains("id"));  // recorded, but no folder here
  BOOST_CHECK_EQUAL(sweeps[0]["runs"][1]["assignments"]["train.epochs"], 2);

  // The '/' of the ID as is or as %2F; the run's own figures, and which sweep it is of.
  json original = get("/api/runs/" + id);
  for (const std::string path : {"/api/runs/grid/run-2", "/api/runs/grid%2Frun-2"}) {
    json d = get(path);
    BOOST_CHECK_EQUAL(d["id"], "grid/run-2");
    BOOST_CHECK_EQUAL(d["sweep"], "grid");
    BOOST_CHECK_EQUAL(d["metrics"]["test_accuracy"], original["metrics"]["test_accuracy"]);
  }
  json m = get("/api/runs/grid/run-1/files/metrics.json");
  BOOST_CHECK_EQUAL(m["test_accuracy"], original["metrics"]["test_accuracy"]);

  // Not runs: the sweep folder, a look-alike's folder, a run through a link; a name that is
  // no sweep run's matches no route.
  get("/api/runs/grid", 404);
  get("/api/runs/plain%2Frun-1", 404);
  get("/api/runs/linked/run-1", 404);
  get("/api/runs/linked/run-1/files/metrics.json", 404);
  get("/api/runs/grid%2Frun-x", 404);
  get("/api/runs/grid%2F..", 404);
  get("/api/runs/grid%2F..%2F..%2Fetc/files/passwd", 404);
  fs::remove_all(outside);
}

BOOST_AUTO_TEST_CASE(a_sweeps_run_is_inspected_like_any_run_and_can_be_deleted) {
  make_sweep(runs / "grid", runs / id);
  const std::string body = R"({"split": "test", "index": 3})";
  auto direct = client->Post(("/api/runs/" + id + "/inspect").c_str(), body, "application/json");
  auto swept = client->Post("/api/runs/grid%2Frun-1/inspect", body, "application/json");
  BOOST_REQUIRE(direct && swept);
  BOOST_REQUIRE_MESSAGE(swept->status == 200, swept->body);
  BOOST_CHECK_EQUAL(unpack_tensors(swept->body).header["outputs"], unpack_tensors(direct->body).header["outputs"]);

  auto r = client->Delete("/api/runs/grid%2Frun-1");
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->status, 200);
  BOOST_CHECK(!fs::exists(runs / "grid" / "run-1"));
  BOOST_CHECK(fs::exists(runs / "grid" / "sweep.json"));
  json sweeps = get("/api/sweeps")["sweeps"];
  BOOST_CHECK(!sweeps[0]["runs"][0].contains("id"));
  BOOST_CHECK_EQUAL(sweeps[0]["runs"][1]["id"], "grid/run-2");
}

BOOST_AUTO_TEST_CASE(a_broken_sweep_json_is_an_error_entry_and_the_runs_folder_may_be_a_sweep) {
  fs::create_directories(runs / "broken");
  std::ofstream(runs / "broken" / "sweep.json") << "{\"runs\": [";
  json sweeps = get("/api/sweeps")["sweeps"];
  BOOST_REQUIRE_EQUAL(sweeps.size(), 1u);
  BOOST_CHECK_EQUAL(sweeps[0]["id"], "broken");
  BOOST_CHECK(sweeps[0]["error"].get<std::string>().find("sweep.json") != std::string::npos);
  fs::remove_all(runs / "broken");

  // `glassbox serve --runs SWEEP_DIR`: the runs folder itself holds sweep.json.
  fs::copy(runs / id, runs / "run-1", fs::copy_options::recursive);
  make_sweep(runs / "tmp-sweep", runs / id);
  fs::copy_file(runs / "tmp-sweep" / "sweep.json", runs / "sweep.json");
  fs::remove_all(runs / "tmp-sweep");
  sweeps = get("/api/sweeps")["sweeps"];
  BOOST_REQUIRE_EQUAL(sweeps.size(), 1u);
  BOOST_CHECK_EQUAL(sweeps[0]["id"], "");
  BOOST_CHECK_EQUAL(sweeps[0]["runs"][0]["id"], "run-1");
  BOOST_CHECK(!sweeps[0]["runs"][1].contains("id"));
}

BOOST_AUTO_TEST_SUITE_END()
