// LRP composites written in an experiment file (explain.composites) through the driver:
// a definition that writes out a built-in composite gives byte-identical relevance files;
// bad entries, rules and rule parameters exit 2 naming the key and entry position, in
// `run --check` and before a run writes anything; `explain --rule-param` with an unknown
// key exits 2 naming it.
#define BOOST_TEST_MODULE cli_composites
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
const std::string kDir = "/tmp/glassbox-cli-composites-" + std::to_string(::getpid());

std::string write(const std::string& name, const std::string& text) { return gbtest::write_file(kDir, name, text); }

// Untrained (0 epochs: the seeded initial weights) conv net on synthetic images, 3 test
// samples explained with LRP.
json experiment(const json& explain) {
  json e = json::parse(R"({
    "name": "composites", "seed": 4,
    "data": {"dataset": "synthetic", "samples": 32, "test_samples": 8},
    "model": {"layers": [{"type": "conv2d", "filters": 3, "kernel_size": 3, "activation": "relu"},
                         {"type": "max_pool2d", "pool_size": 2}, {"type": "flatten"},
                         {"type": "dense", "units": 8, "activation": "relu"}, {"type": "dense", "units": 4}]},
    "train": {"epochs": 0, "batch_size": 16, "verbose": 0, "threads": 1}
  })");
  e["explain"] = explain;
  return e;
}

std::map<std::string, std::string> npy_files(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::directory_iterator(dir))
    if (f.path().extension() == ".npy") {
      std::ifstream in(f.path(), std::ios::binary);
      out[f.path().filename().string()] = std::string(std::istreambuf_iterator<char>(in), {});
    }
  return out;
}

struct Cleanup {
  ~Cleanup() {
    std::error_code ec;
    fs::remove_all(kDir, ec);
  }
} cleanup;

}  // namespace

BOOST_AUTO_TEST_CASE(a_composite_written_in_the_experiment_file_gives_the_builtins_relevance_files) {
  const json params = {{"gamma", 0.5}, {"low", 0}, {"high", 1}};
  const json builtin = {{"samples", 3}, {"composite", "epsilon-gamma-box"}, {"rule_params", params}};
  json mine = {{"samples", 3}, {"composite", "mine"}, {"rule_params", params}};
  mine["composites"]["mine"] = json::parse(R"([
      {"match": {"position": "first_linear"}, "rule": "zbox"},
      {"match": {"kind": "conv"}, "rule": {"rule": "gamma"}},
      {"match": {"kind": "dense"}, "rule": "epsilon"},
      {"match": {}, "rule": "epsilon"}])");
  for (const auto& [name, section] : {std::pair{"builtin", builtin}, std::pair{"mine", mine}}) {
    auto r = run_glassbox("--quiet run " + write(std::string(name) + ".json", experiment(section).dump()) + " --out " +
                          kDir + "/" + name);
    BOOST_TEST_REQUIRE(r.code == 0, r.out);
  }
  const auto a = npy_files(kDir + "/builtin/explain/lrp"), b = npy_files(kDir + "/mine/explain/lrp");
  BOOST_TEST(a.size() == 3u);
  BOOST_TEST_REQUIRE(a.size() == b.size());
  for (const auto& [file, bytes] : a) {
    BOOST_TEST_INFO(file);
    BOOST_TEST_REQUIRE(b.count(file) == 1u);
    BOOST_TEST((bytes == b.at(file)));
  }
  // The summary names the definition and shows the rules it gave each layer.
  const json summary = json::parse(std::ifstream(kDir + "/mine/explain/lrp/explanations.json"));
  BOOST_TEST(summary["request"]["composite"] == "mine");
  BOOST_TEST(summary["explanations"][0]["composite"] == "mine");
  BOOST_TEST(summary["explanations"][0]["layers"][0]["rule"] == "zbox");
  BOOST_TEST(summary["explanations"][0]["layers"][3]["rule"] == "epsilon");
}

BOOST_AUTO_TEST_CASE(bad_composite_entries_exit_2_naming_the_key_and_position) {
  struct Case {
    const char* definition;
    std::string named;
  };
  const std::vector<Case> cases = {
      {R"([{"match": {"kind": "conv"}, "rule": "zplus"}, {"match": {"knd": "dense"}, "rule": "epsilon"}])",
       "explain.composites.mine.1.match: unknown key 'knd' (known: kind, type, name, index, position)"},
      {R"([{"match": {"kind": "conv"}, "rule": "zpluss"}])", "explain.composites.mine.0.rule: unknown LRP rule 'zpluss'"},
      {R"([{"match": {}, "rule": {"rule": "gamma", "gama": 0.5}}])",
       "explain.composites.mine.0.rule (rule 'gamma'): unknown parameter 'gama' (known: gamma)"},
      {R"([{"match": {"position": "first"}, "rule": {"rule": "zbox", "low": "dark"}}])",
       "explain.composites.mine.0.rule (rule 'zbox'): 'low' must be a number, got \"dark\""},
  };
  for (const Case& c : cases) {
    json section = {{"composite", "mine"}};
    section["composites"]["mine"] = json::parse(c.definition);
    const std::string file = write("bad.json", experiment(section).dump());
    for (const std::string& mode : {std::string(" --check"), " --out " + kDir + "/bad-out"}) {
      auto r = run_glassbox("--quiet run " + file + mode);
      BOOST_TEST(r.code == 2, c.definition << mode << ": " << r.out);
      BOOST_TEST(contains(r.out, "bad.json: " + c.named), c.definition << mode << ": " << r.out);
    }
    BOOST_TEST(!fs::exists(kDir + "/bad-out"));
  }
  auto r = run_glassbox("--quiet run " + write("params.json", experiment({{"rule_params", {{"gama", 1}}}}).dump()) +
                        " --check");
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "explain.rule_params: unknown rule parameter 'gama' (known: epsilon, gamma, alpha, beta, low, high)"),
             r.out);
  r = run_glassbox("--quiet run " + write("unknown.json", experiment({{"composite", "nothing"}}).dump()) + " --check");
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "explain.composite: unknown LRP composite 'nothing' (known: epsilon-plus,"), r.out);
}

BOOST_AUTO_TEST_CASE(explain_rule_param_with_an_unknown_key_exits_2_naming_it) {
  const std::string run = kDir + "/saved";
  auto r = run_glassbox("--quiet run " + write("saved.json", experiment({{"samples", 1}}).dump()) + " --out " + run);
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  r = run_glassbox("--quiet explain --model " + run + " --count 1 --rule-param gama=1 --out " + kDir + "/ex");
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "--rule-param: unknown rule parameter 'gama' (known: epsilon, gamma, alpha, beta, low, high)"),
             r.out);
  r = run_glassbox("--quiet explain --model " + run + " --count 1 --method saliency --out " + kDir + "/ex");
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "method: unknown attribution method 'saliency' (known: lrp, gradient,"), r.out);
  BOOST_TEST(!fs::exists(kDir + "/ex"));
}
