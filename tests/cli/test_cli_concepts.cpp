// Concept paths from the driver: the "concepts" section of `glassbox run` writes
// concepts.json (conservation within 1e-5 at every concept layer), the drawn path graphs
// and reference sheets; `glassbox concepts` does the same on a saved model; a bad key is
// refused before training, naming it.
#define BOOST_TEST_MODULE cli_concepts
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

using gbtest::contains;
using gbtest::read_json;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string tmp(const std::string& name) {
  static const std::string dir = gbtest::fresh_dir("cli-concepts");
  return dir + "/" + name;
}

std::string write_experiment(const std::string& name, const json& concepts) {
  const json e = {{"name", "concepts"},
                  {"seed", 2},
                  {"data", {{"dataset", "synthetic"}, {"options", {{"samples", 128}, {"test_samples", 64}}}}},
                  {"model",
                   {{"layers",
                     {{{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}},
                      {{"type", "max_pool2d"}, {"pool_size", 2}},
                      {{"type", "flatten"}},
                      {{"type", "dense"}, {"units", 8}, {"activation", "relu"}},
                      {{"type", "dense"}, {"units", 4}}}}}},
                  {"train", {{"epochs", 3}, {"batch_size", 16}}},
                  {"concepts", concepts}};
  const std::string file = tmp(name + ".json");
  std::ofstream(file) << e.dump();
  return file;
}

void check_study(const std::string& dir) {
  const json j = read_json(dir + "/concepts.json");
  BOOST_REQUIRE_EQUAL(j["layers"].size(), 2u);  // conv2d_1 (4 channels), dense_1 (8 neurons)
  BOOST_TEST(j["layers"][0]["concepts"] == 4);
  BOOST_REQUIRE(!j["classes"].empty());
  for (const auto& c : j["classes"]) {
    for (const auto& l : c["layers"]) BOOST_TEST(l["conservation_error"].get<double>() < 1e-5);
    BOOST_TEST(c["edges"].size() == 4u);  // top 2 x top 2
    BOOST_TEST(fs::file_size(dir + "/" + c["graph"].get<std::string>()) > 200u);
  }
  BOOST_TEST(j["references"][1]["concepts"][0]["by_relevance"].size() == 3u);
  BOOST_TEST(fs::exists(dir + "/concepts/plots/conv2d_1.references.png"));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_run_and_the_concepts_command_write_conserving_concept_paths) {
  const std::string file = write_experiment("run", {{"top_k", 2}, {"references", 3}, {"samples", 8}});
  const auto r = run_glassbox("run " + file + " --out " + tmp("run"));
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  BOOST_TEST(contains(r.out, "concept paths"), r.out);
  check_study(tmp("run"));
  const auto c = run_glassbox("concepts --model " + tmp("run") + "/model --out " + tmp("cmd") +
                              " --set top_k=2 --set references=3 --set samples=8");
  BOOST_REQUIRE_MESSAGE(c.code == 0, c.out);
  check_study(tmp("cmd"));
}

BOOST_AUTO_TEST_CASE(a_bad_concepts_key_is_refused_before_training) {
  const auto r = run_glassbox("run " + write_experiment("bad", {{"top", 2}}) + " --out " + tmp("bad"));
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "concepts.top"), r.out);
  BOOST_TEST(!fs::exists(tmp("bad") + "/model"));
  const auto c = run_glassbox("run " + write_experiment("comp", {{"composite", "nope"}}) + " --out " + tmp("comp"));
  BOOST_TEST(c.code == 2);
  BOOST_TEST(contains(c.out, "nope"), c.out);
}

// A residual graph listed out of order (c2 before c1, each naming its inputs): the
// concept layers follow the order a pass runs them, so each flow goes from a layer to
// the next one along the network (stem -> c1 -> c2). Listed in file order, c2 came before
// c1 and the flow ran from c2 "down" to c1. At every concept layer the concepts' heatmaps
// sum to the relevance through the layer: all of it at stem, which every path from the
// input passes; at c1 and c2, which the skip connection bypasses, only part of it (the
// relevance the skip carries past them belongs to none of their concepts).
BOOST_AUTO_TEST_CASE(concept_layers_of_a_graph_follow_its_execution_order) {
  const json layers = gbtest::out_of_order_residual(4);
  const json e = {{"name", "concepts-graph"},
                  {"seed", 2},
                  {"data", {{"dataset", "synthetic"}, {"options", {{"samples", 96}, {"test_samples", 48}}}}},
                  {"model", {{"layers", layers}}},
                  {"train", {{"epochs", 1}, {"batch_size", 16}}},
                  {"concepts", {{"top_k", 2}, {"references", 2}, {"samples", 6}}}};
  std::ofstream(tmp("graph.json")) << e.dump();
  const auto r = run_glassbox("run " + tmp("graph.json") + " --out " + tmp("graph"));
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  const json j = read_json(tmp("graph") + "/concepts.json");
  std::vector<std::string> names;
  for (const auto& l : j["layers"]) names.push_back(l["name"]);
  BOOST_TEST(names == (std::vector<std::string>{"stem", "c1", "c2"}));
  BOOST_REQUIRE(!j["classes"].empty());
  for (const auto& c : j["classes"]) {
    BOOST_REQUIRE_EQUAL(c["layers"].size(), 3u);
    for (const auto& l : c["layers"]) BOOST_TEST(l["conservation_error"].get<double>() < 1e-5, l.dump());
    BOOST_TEST(std::abs(c["layers"][0]["through_share"].get<double>() - 1.0) < 1e-5);
    for (int q : {1, 2})  // bypassed by the skip
      BOOST_TEST(std::abs(c["layers"][q]["through_share"].get<double>() - 1.0) > 1e-3, c["layers"][q]["through_share"]);
  }
}
