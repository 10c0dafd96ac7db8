// `glassbox signatures` on a saved model: by default it analyses the data of the model's
// run (its config.json), so its per-class statistics equal those the run's "signatures"
// section wrote; --classes narrows the classes; a malformed --classes and a model folder
// with no run configuration and no --data are refused, naming the option.
#define BOOST_TEST_MODULE cli_signatures
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "glassbox/npy.h"

using gbtest::contains;
using gbtest::read_json;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string& dir() {
  static const std::string d = gbtest::fresh_dir("cli-signatures");
  return d;
}

// A run with a signatures section, trained once for every case.
const std::string& trained_run() {
  static const std::string run = [] {
    const json e = {{"name", "sig"},
                    {"seed", 3},
                    {"data", {{"dataset", "synthetic"}, {"options", {{"samples", 96}, {"test_samples", 48}}}}},
                    {"model",
                     {{"layers",
                       {{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"activation", "relu"}},
                        {{"type", "flatten"}},
                        {{"type", "dense"}, {"units", 8}, {"activation", "relu"}},
                        {{"type", "dense"}, {"units", 4}}}}}},
                    {"train", {{"epochs", 1}, {"batch_size", 16}}},
                    {"signatures", json::object()}};
    std::ofstream(dir() + "/sig.json") << e.dump();
    const auto r = run_glassbox("run " + dir() + "/sig.json --out " + dir() + "/run");
    BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
    return dir() + "/run";
  }();
  return run;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_command_on_the_runs_data_gives_the_runs_signatures) {
  const std::string run = trained_run();
  const auto r = run_glassbox("signatures --model " + run + "/model --out " + dir() + "/again");
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  const json a = read_json(run + "/signatures.json");
  const json b = read_json(dir() + "/again/signatures.json");
  BOOST_TEST(b["format"] == "glassbox-signatures/1");
  BOOST_TEST(b["samples"] == a["samples"]);
  BOOST_TEST(b["classes"] == a["classes"]);
  BOOST_REQUIRE_EQUAL(b["layers"].size(), a["layers"].size());
  for (std::size_t l = 0; l < a["layers"].size(); ++l)
    BOOST_TEST(b["layers"][l]["classes"] == a["layers"][l]["classes"], "layer " << l);
  BOOST_TEST(fs::is_regular_file(dir() + "/again/signatures.txt"));
}

BOOST_AUTO_TEST_CASE(classes_narrow_the_study_to_the_classes_given) {
  const auto r = run_glassbox("signatures --model " + trained_run() + "/model --classes 0,2 --out " + dir() + "/two");
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  const json j = read_json(dir() + "/two/signatures.json");
  BOOST_REQUIRE_EQUAL(j["classes"].size(), 2u);
  BOOST_REQUIRE(!j["layers"].empty());
  BOOST_TEST(j["layers"][0]["classes"].size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_malformed_class_list_or_no_dataset_is_refused_naming_the_option) {
  auto r = run_glassbox("signatures --model " + trained_run() + "/model --classes 1,x --out " + dir() + "/bad");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "--classes: expected class numbers separated by commas (e.g. 1,3), got '1,x'"), r.out);
  fs::create_directories(dir() + "/lone");
  fs::copy(trained_run() + "/model", dir() + "/lone/model", fs::copy_options::recursive);
  r = run_glassbox("signatures --model " + dir() + "/lone/model --out " + dir() + "/bad");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "no dataset: give --data NAME (no run configuration found at " + dir() + "/lone/config.json)"),
             r.out);
  BOOST_TEST(!fs::exists(dir() + "/bad"));
}

// A residual graph (a skip connection joined by an add node): the signatures and the
// layer similarity address every node by its name, the merge node included.
BOOST_AUTO_TEST_CASE(signatures_and_similarity_cover_every_node_of_a_residual_graph) {
  const json layers = json::parse(R"([
    {"type": "conv2d", "name": "stem", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"type": "conv2d", "name": "c1", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
    {"type": "conv2d", "name": "c2", "filters": 3, "kernel_size": 3, "padding": "same"},
    {"type": "add", "name": "sum", "inputs": ["c2", "stem"]},
    {"type": "max_pool2d", "name": "pool", "pool_size": 2},
    {"type": "flatten", "name": "flat"},
    {"type": "dense", "name": "out", "units": 4}])");
  const json e = {{"name", "residual"},
                  {"seed", 5},
                  {"data", {{"dataset", "synthetic"}, {"options", {{"samples", 96}, {"test_samples", 48}}}}},
                  {"model", {{"layers", layers}}},
                  {"train", {{"epochs", 1}, {"batch_size", 16}}},
                  {"signatures", json::object()},
                  {"similarity", {{"samples", 40}}}};
  std::ofstream(dir() + "/residual.json") << e.dump();
  const auto r = run_glassbox("run " + dir() + "/residual.json --out " + dir() + "/residual");
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  const json sig = read_json(dir() + "/residual/signatures.json");
  std::vector<std::string> names;
  for (const auto& l : sig["layers"]) {
    names.push_back(l["name"]);
    BOOST_TEST(l["classes"].size() == 4u, l["name"]);
  }
  for (const char* node : {"stem", "c1", "c2", "sum", "pool", "out"})
    BOOST_TEST((std::find(names.begin(), names.end(), node) != names.end()), "signatures lack node " << node);
  const json sim = read_json(dir() + "/residual/similarity.json");
  std::vector<std::string> sim_names;
  for (const auto& l : sim["layers"]) sim_names.push_back(l["name"]);
  BOOST_TEST((std::find(sim_names.begin(), sim_names.end(), "sum") != sim_names.end()), "similarity lacks the add node");
  BOOST_TEST(sim["cka"].size() == sim_names.size());
}

namespace {

std::vector<std::string> names_of(const json& list, const char* key) {
  std::vector<std::string> out;
  for (const auto& l : list) out.push_back(l[key]);
  return out;
}

}  // namespace

// A residual graph whose layers are listed out of order (c2 before c1; each names its
// inputs): every analysis of the study — the signatures, the linear probes, the
// separability and divergence curves, the novelty per layer and the relevance paths —
// lists the nodes in the order a pass runs them, so "from which layer on" reads along the
// network. Listed in file order, c2 came before c1 and the divergence curve went
// backwards through the branch. Values checked by identities of the graph: the add
// node's class means are the sums of its inputs' (the spatial mean is linear), and max
// pooling hands each channel's relevance to the same channel, so the pool's relevance
// per channel equals the add node's.
BOOST_AUTO_TEST_CASE(every_analysis_follows_a_graph_in_execution_order_and_names_its_nodes) {
  const json layers = gbtest::out_of_order_residual(3);
  const json e = {{"name", "residual-order"},
                  {"seed", 5},
                  {"data",
                   {{"dataset", "synthetic"},
                    {"classes", {0, 1, 2}},
                    {"unseen_classes", {3}},
                    {"options", {{"num_classes", 4}, {"samples", 120}, {"test_samples", 60}}}}},
                  {"model", {{"layers", layers}}},
                  {"train", {{"epochs", 1}, {"batch_size", 16}}},
                  {"signatures", {{"probe_epochs", 5}, {"relevance_samples", 16}}}};
  std::ofstream(dir() + "/order.json") << e.dump();
  const std::string out = dir() + "/order";
  const auto r = run_glassbox("run " + dir() + "/order.json --out " + out);
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  const json sig = read_json(out + "/signatures.json");
  const std::vector<std::string> expected = {"input", "stem", "c1", "c2", "sum", "pool", "out"};
  BOOST_TEST(names_of(sig["layers"], "name") == expected, sig["layers"].dump().substr(0, 300));
  BOOST_TEST(sig["linear_probes"]["accuracy_per_layer"].size() == expected.size());
  for (const auto& pair : sig["divergence"]["pairs"]) BOOST_TEST(pair["accuracy_per_layer"].size() == expected.size());
  BOOST_REQUIRE_EQUAL(sig["unseen"].size(), 1u);
  BOOST_TEST(names_of(sig["unseen"][0]["layers"], "layer") == expected);
  const std::vector<std::string> no_input(expected.begin() + 1, expected.end());
  BOOST_REQUIRE(!sig["relevance_paths"]["classes"].empty());
  for (const auto& path : sig["relevance_paths"]["classes"])
    BOOST_TEST(names_of(path["layers"], "name") == no_input);

  // The add node's per-class mean signature is the sum of its inputs' (positions 3, 2, 1).
  auto mean = [&](std::size_t p) {
    return glassbox::read_npy(out + "/" + sig["layers"][p]["arrays"]["mean"].get<std::string>()).as_float();
  };
  const auto s = mean(4), c2 = mean(3), stem = mean(1);
  BOOST_REQUIRE_EQUAL(s.size(), 9u);  // 3 classes x 3 channels
  for (std::size_t k = 0; k < s.size(); ++k) BOOST_TEST(s[k] == c2[k] + stem[k], boost::test_tools::tolerance(1e-4f));
  // Max pooling keeps each channel's relevance in that channel.
  for (const auto& path : sig["relevance_paths"]["classes"]) {
    std::map<int, double> at_sum, at_pool;
    for (const auto& n : path["layers"][3]["top"]) at_sum[n["neuron"]] = n["relevance"];
    for (const auto& n : path["layers"][4]["top"]) at_pool[n["neuron"]] = n["relevance"];
    BOOST_REQUIRE_EQUAL(at_sum.size(), 3u);
    for (const auto& [c, v] : at_sum) BOOST_TEST(at_pool.at(c) == v, boost::test_tools::tolerance(1e-4));
  }
}
