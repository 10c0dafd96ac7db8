// Layer similarity from the driver: the "similarity" section of `glassbox run` writes
// similarity.json and its heatmap; `glassbox similarity --compare` compares two runs that
// differ only in their seed (the input is the same for both: CKA exactly 1 there); a
// missing compare_model is refused before training, naming the key.
#define BOOST_TEST_MODULE cli_similarity
#include <unistd.h>

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
  static const std::string dir = gbtest::fresh_dir("cli-similarity");
  return dir + "/" + name;
}

json experiment(int seed, const json& similarity) {
  return {{"name", "similarity"},
          {"seed", seed},
          {"data", {{"dataset", "synthetic"}, {"options", {{"samples", 96}, {"test_samples", 48}}}}},
          {"model",
           {{"layers",
             {{{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"activation", "relu"}},
              {{"type", "max_pool2d"}, {"pool_size", 2}},
              {{"type", "flatten"}},
              {{"type", "dense"}, {"units", 8}, {"activation", "relu"}},
              {{"type", "dense"}, {"units", 4}}}}}},
          {"train", {{"epochs", 1}, {"batch_size", 16}}},
          {"similarity", similarity}};
}

std::string run_experiment(const std::string& name, int seed, const json& similarity) {
  const std::string file = tmp(name + ".json");
  std::ofstream(file) << experiment(seed, similarity).dump();
  const auto r = run_glassbox("run " + file + " --out " + tmp(name));
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  return tmp(name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_run_with_a_similarity_section_writes_the_cka_matrix_and_heatmap) {
  const std::string dir = run_experiment("a", 1, {{"samples", 40}});
  const json j = read_json(dir + "/similarity.json");
  BOOST_TEST(j["measure"] == "linear_cka");
  BOOST_TEST(j["samples"] == 40);
  // input, conv2d, max_pool2d, dense, dense (flatten skipped)
  BOOST_REQUIRE_EQUAL(j["layers"].size(), 5u);
  BOOST_TEST(j["layers"][0]["name"] == "input");
  for (std::size_t i = 0; i < 5; ++i) {
    BOOST_TEST(j["cka"][i][i].get<double>() == 1.0, boost::test_tools::tolerance(1e-9));
    for (std::size_t k = 0; k < 5; ++k) {
      const double v = j["cka"][i][k].get<double>();
      BOOST_TEST(v >= 0.0);
      BOOST_TEST(v <= 1.0 + 1e-9);
    }
  }
  BOOST_TEST(fs::file_size(dir + "/similarity/cka.png") > 100u);
  BOOST_TEST(fs::file_size(dir + "/similarity/cka.npy") > 5u * 5u * 4u);
}

BOOST_AUTO_TEST_CASE(two_seeds_are_compared_layer_by_layer) {
  const std::string a = run_experiment("seed1", 1, {{"enabled", false}});
  const std::string b = run_experiment("seed2", 2, {{"enabled", false}});
  BOOST_TEST(!fs::exists(a + "/similarity.json"));
  const auto r = run_glassbox("similarity --model " + a + "/model --compare " + b + "/model --out " + tmp("ab") +
                              " --set samples=48");
  BOOST_REQUIRE_MESSAGE(r.code == 0, r.out);
  BOOST_TEST(contains(r.out, "other model"), r.out);
  const json j = read_json(tmp("ab") + "/similarity.json");
  const json& same = j["compared"]["same_layer"];
  BOOST_REQUIRE_EQUAL(same.size(), 5u);
  BOOST_TEST(same[0]["name"] == "input");
  BOOST_TEST(same[0]["cka"].get<double>() == 1.0, boost::test_tools::tolerance(1e-9));
  // Different seeds give different conv filters: below 1, above 0.
  BOOST_TEST(same[1]["cka"].get<double>() < 0.9999);
  BOOST_TEST(same[1]["cka"].get<double>() > 0.0);
  BOOST_TEST(fs::file_size(tmp("ab") + "/similarity/cka_models.png") > 100u);
}

BOOST_AUTO_TEST_CASE(a_missing_compare_model_is_refused_before_training) {
  const std::string file = tmp("missing.json");
  std::ofstream(file) << experiment(1, {{"compare_model", tmp("nowhere")}}).dump();
  const auto r = run_glassbox("run " + file + " --out " + tmp("missing"));
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "similarity.compare_model: '" + tmp("nowhere") + "' is not a model folder"), r.out);
  BOOST_TEST(!fs::exists(tmp("missing") + "/model"));
  const auto bad = run_glassbox("similarity --model " + tmp("nowhere") + " --out " + tmp("x"));
  BOOST_TEST(bad.code != 0);
  BOOST_TEST(contains(bad.out, tmp("nowhere")), bad.out);
}
