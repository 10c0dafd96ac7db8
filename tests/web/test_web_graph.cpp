// The page's data on a residual graph (a skip connection joined by an add node): inspect
// names every node with the nodes it takes, so the page can draw the graph; the per-layer
// relevance and the neuron route address nodes by name. Values are checked against the
// saved model run independently (its own forward pass and LRP, looked up by name) and
// against identities of the graph (the add node's output is the sum of its inputs; max
// pooling passes each relevance on whole).
#define BOOST_TEST_MODULE web_graph
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <map>

#include "glassbox/experiment_data.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/model.h"
#include "tensor_pack.h"
#include "web_fixture.h"

using namespace webtest;

namespace {

json residual_experiment() {
  json e = json::parse(R"({
    "name": "residual", "seed": 5,
    "data": {"dataset": "synthetic", "classes": [0, 1], "unseen_classes": [2, 3],
             "options": {"num_classes": 4, "samples": 96, "test_samples": 48}},
    "model": {"layers": [
      {"type": "conv2d", "name": "stem", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
      {"type": "conv2d", "name": "c1", "filters": 3, "kernel_size": 3, "padding": "same", "activation": "relu"},
      {"type": "conv2d", "name": "c2", "filters": 3, "kernel_size": 3, "padding": "same"},
      {"type": "add", "name": "sum", "inputs": ["c2", "stem"]},
      {"type": "max_pool2d", "name": "pool", "pool_size": 2},
      {"type": "flatten", "name": "flat"},
      {"type": "dense", "name": "out", "units": 2}]},
    "train": {"epochs": 1, "batch_size": 16}
  })");
  return e;
}

struct GraphRun : Fixture {
  std::string id;
  GraphRun() {
    id = submit(residual_experiment());
    json j = wait_for(id);
    BOOST_REQUIRE_MESSAGE(j["state"] == "done", j.dump());
  }
  UnpackedTensors inspect(const json& body) {
    auto r = client->Post(("/api/runs/" + id + "/inspect").c_str(), body.dump(), "application/json");
    BOOST_REQUIRE(r);
    BOOST_REQUIRE_MESSAGE(r->status == 200, r->body);
    return unpack_tensors(r->body);
  }
  MyDeepLearning saved_model() { return MyDeepLearning::load((runs / id / "model").string(), registry); }
  Tensor test_image(std::size_t index) {
    json cfg = json::parse(std::ifstream(runs / id / "config.json"));
    ExperimentData data = load_experiment_data(cfg["data"], registry, "test");
    return data.test.batch({index});
  }
};

const std::map<std::string, std::vector<std::string>> kInputs = {
    {"stem", {"input"}}, {"c1", {"stem"}}, {"c2", {"c1"}},  {"sum", {"c2", "stem"}},
    {"pool", {"sum"}},   {"flat", {"pool"}}, {"out", {"flat"}}};

// The entry of `layers` named `name` (a failed check when there is none).
json by_name(const json& layers, const std::string& name) {
  for (const auto& l : layers)
    if (l.value("name", "") == name) return l;
  BOOST_ERROR("no layer named " << name << " in " << layers.dump().substr(0, 300));
  return json::object();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(graph, GraphRun)

BOOST_AUTO_TEST_CASE(inspect_names_every_node_with_its_inputs_and_its_own_activations) {
  UnpackedTensors u = inspect({{"split", "test"}, {"index", 2}});
  const json& layers = u.header["layers"];
  BOOST_REQUIRE_EQUAL(layers.size(), kInputs.size());
  MyDeepLearning model = saved_model();
  std::map<std::size_t, std::vector<float>> own;  // the saved model's outputs, by index
  model.forward(test_image(2), [&](std::size_t i, const Layer&, const Tensor&, const Tensor& out) {
    own[i].assign(out.begin(), out.end());
  });
  for (const auto& [name, inputs] : kInputs) {
    const json l = by_name(layers, name);
    BOOST_TEST(l["inputs"].get<std::vector<std::string>>() == inputs, name);
    const std::size_t index = l["index"];
    BOOST_TEST(index == model.layer_index(name), name);
    const std::vector<float> v = u.values(l["values"]);
    BOOST_REQUIRE_EQUAL(v.size(), own.at(index).size());
    for (std::size_t k = 0; k < v.size(); ++k) BOOST_TEST(v[k] == own[index][k], boost::test_tools::tolerance(1e-4f));
  }
  // The add node's output is the sum of its two inputs, element by element.
  const auto s = u.values(by_name(layers, "sum")["values"]);
  const auto c2 = u.values(by_name(layers, "c2")["values"]), stem = u.values(by_name(layers, "stem")["values"]);
  BOOST_REQUIRE_EQUAL(s.size(), 3u * 28 * 28);
  for (std::size_t k = 0; k < s.size(); ++k) BOOST_TEST(s[k] == c2[k] + stem[k], boost::test_tools::tolerance(1e-4f));
}

BOOST_AUTO_TEST_CASE(per_layer_relevance_names_every_node_and_equals_the_models_own_lrp) {
  UnpackedTensors u = inspect({{"split", "test"}, {"index", 1},
                               {"relevance", {{"composite", "epsilon-plus"}, {"layers_for", "all"}}}});
  const json& rel = u.header["relevance"];
  BOOST_REQUIRE_EQUAL(rel["targets"].size(), 2u);
  MyDeepLearning model = saved_model();
  explain::Lrp lrp(model, explain::make_composite("epsilon-plus"));
  for (const auto& t : rel["targets"]) {
    const int cls = t["class"];
    explain::LrpResult own = lrp.explain(test_image(1), std::vector<int>{cls});
    BOOST_REQUIRE_EQUAL(t["layers"].size(), kInputs.size());
    for (const auto& [name, inputs] : kInputs) {
      const json l = by_name(t["layers"], name);
      BOOST_TEST(l["inputs"].get<std::vector<std::string>>() == inputs, name);
      const std::size_t index = model.layer_index(name);
      BOOST_TEST(l["index"].get<std::size_t>() == index);
      const std::vector<float> v = u.values(l["values"]);
      const Tensor& mine = own.layer_relevance.at(index);
      BOOST_REQUIRE_EQUAL(v.size(), mine.size());
      for (std::size_t k = 0; k < v.size(); ++k) BOOST_TEST(v[k] == mine.data()[k], boost::test_tools::tolerance(1e-3f));
    }
    // Max pooling and flatten pass relevance on whole: the add node's total is the pool's.
    const double at_sum = by_name(t["layers"], "sum")["sum"], at_pool = by_name(t["layers"], "pool")["sum"];
    BOOST_TEST(at_sum == at_pool, boost::test_tools::tolerance(1e-4));
  }
  for (const auto& p : rel["plan"])
    if (p["name"] == "sum") BOOST_TEST(p["inputs"] == json::array({model.layer_index("c2"), model.layer_index("stem")}));
}

BOOST_AUTO_TEST_CASE(the_neuron_route_takes_a_node_by_name) {
  const std::string url = "/api/runs/" + id + "/neuron";
  const json by_index = post(url, json{{"layer", 3}, {"unit", 1}, {"limit", 200}}.dump(), 200);
  const json named = post(url, json{{"layer", "sum"}, {"unit", 1}, {"limit", 200}}.dump(), 200);
  BOOST_TEST(named["layer_name"] == "sum");
  BOOST_TEST(named["layer"] == 3);
  BOOST_TEST(named["splits"] == by_index["splits"]);
  const std::string m = post(url, json{{"layer", "nowhere"}, {"unit", 0}}.dump(), 400)["error"];
  BOOST_TEST((m.find("'nowhere'") != std::string::npos && m.find("stem, c1, c2, sum") != std::string::npos), m);
}

BOOST_AUTO_TEST_SUITE_END()
