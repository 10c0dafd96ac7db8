// check_experiment_plugins: the pre-check `glassbox run` and the server make of every
// plugin an experiment names, and the message each mistake gets.
#define BOOST_TEST_MODULE plugin_check
#include <boost/test/unit_test.hpp>

#include "model_fixture.h"

#include "glassbox/error.h"
#include "glassbox/plugin_check.h"
#include "glassbox/plugin_loader.h"

using namespace glassbox;
using nlohmann::json;

namespace {

const Registry& registry() { return glassbox::testing::builtin_registry(); }

json experiment() {
  return json::parse(R"({
    "data": {"dataset": "synthetic"},
    "model": {"layers": [{"type": "dense", "units": 8, "name": "a"},
                         {"type": "relu", "name": "b", "inputs": ["a"]},
                         {"type": "add", "inputs": ["a", "b"]},
                         {"type": "dense", "units": 2}]},
    "train": {"optimizer": {"type": "adam", "learning_rate": 0.01}}})");
}

// The message check_experiment_plugins throws for `config`, or "" when it accepts it.
std::string message(const json& config) {
  try {
    check_experiment_plugins(config, registry(), "x.json");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

BOOST_AUTO_TEST_CASE(a_graph_experiment_with_known_plugins_passes) {
  BOOST_TEST(message(experiment()) == "");
  BOOST_TEST(message(json::object()) == "");  // missing sections are the schema's to judge
}

BOOST_AUTO_TEST_CASE(an_unknown_dataset_lists_the_known_ones) {
  json c = experiment();
  c["data"]["dataset"] = "mnsit";
  const std::string m = message(c);
  BOOST_TEST(starts_with(m, "x.json: data.dataset: unknown dataset 'mnsit' (known: "), m);
  BOOST_TEST(m.find("synthetic") != std::string::npos, m);
  c["data"]["dataset"] = 3;
  BOOST_TEST(starts_with(message(c), "x.json: data.dataset: unknown dataset 3 (known: "), message(c));
}

BOOST_AUTO_TEST_CASE(a_layer_is_named_by_its_position) {
  json c = experiment();
  c["model"]["layers"][3]["type"] = "dnese";
  BOOST_TEST(starts_with(message(c), "x.json: model.layers.3: unknown layer type 'dnese' (known: "), message(c));
  c["model"]["layers"][3] = "dense";
  BOOST_TEST(message(c) == "x.json: model.layers.3: expected a layer object {\"type\": ...}, got \"dense\"");
  c["model"]["layers"][3] = {{"units", 2}};
  BOOST_TEST(starts_with(message(c), "x.json: model.layers.3: unknown layer type null (known: "), message(c));
}

BOOST_AUTO_TEST_CASE(a_layer_option_its_factory_refuses_is_the_factory_message_after_the_position) {
  json c = experiment();
  c["model"]["layers"][0]["units"] = -4;
  const std::string m = message(c);
  BOOST_TEST(starts_with(m, "x.json: model.layers.0: a (dense): "), m);  // the factory names the layer
  BOOST_TEST(m.find("'units'") != std::string::npos, m);
  c = experiment();
  c["model"]["layers"][1]["unitz"] = 3;
  BOOST_TEST(starts_with(message(c), "x.json: model.layers.1: "), message(c));
  BOOST_TEST(message(c).find("unitz") != std::string::npos, message(c));
}

BOOST_AUTO_TEST_CASE(the_optimizer_by_name_or_object) {
  json c = experiment();
  c["train"]["optimizer"] = "sgd";
  BOOST_TEST(message(c) == "");
  c["train"]["optimizer"] = "sgdd";
  BOOST_TEST(starts_with(message(c), "x.json: train.optimizer: unknown optimizer 'sgdd' (known: "), message(c));
  c["train"]["optimizer"] = {{"type", "adam"}, {"learning_rat", 0.1}};
  BOOST_TEST(starts_with(message(c), "x.json: train.optimizer: "), message(c));
  BOOST_TEST(message(c).find("learning_rat") != std::string::npos, message(c));
  c["train"]["optimizer"] = 7;
  BOOST_TEST(starts_with(message(c), "x.json: train.optimizer: unknown optimizer '' (known: "), message(c));
}
