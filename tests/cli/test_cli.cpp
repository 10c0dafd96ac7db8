// The driver's exit codes and messages: 0 success, 1 failed work, 2 bad usage/config.
#define BOOST_TEST_MODULE cli
#include <fstream>
#include <set>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

using gbtest::contains;
using gbtest::run_glassbox;

namespace {
const std::string kTestPlugins = GLASSBOX_BINARY_DIR "/test-plugins";
std::string write_tmp(const std::string& name, const std::string& text) {
  std::string p = "/tmp/glassbox-cli-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(p) << text;
  return p;
}
}  // namespace

BOOST_AUTO_TEST_CASE(version_and_help_exit_zero) {
  auto r = run_glassbox("--version");
  BOOST_TEST(r.code == 0);
  BOOST_TEST(contains(r.out, "glassbox 0."));
  r = run_glassbox("--help");
  BOOST_TEST(r.code == 0);
  BOOST_TEST(contains(r.out, "usage: glassbox"));
}

BOOST_AUTO_TEST_CASE(no_command_is_a_usage_error) {
  BOOST_TEST(run_glassbox("").code == 2);
}

BOOST_AUTO_TEST_CASE(unknown_command_exits_2_and_names_it) {
  auto r = run_glassbox("trian");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "unknown command 'trian'"), r.out);
}

BOOST_AUTO_TEST_CASE(unknown_option_exits_2_and_names_it) {
  auto r = run_glassbox("plugins --jsn");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "jsn"), r.out);
  r = run_glassbox("--frobnicate info");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "unknown option '--frobnicate'"), r.out);
}

BOOST_AUTO_TEST_CASE(run_with_unknown_config_key_exits_2_naming_key_and_file) {
  std::string p = write_tmp("bad-key.json", R"({"name": "x", "train": {"epoch": 3}})");
  auto r = run_glassbox("run " + p);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, p + ": unknown key 'train.epoch', did you mean 'train.epochs'?"), r.out);
}

BOOST_AUTO_TEST_CASE(run_with_malformed_json_exits_2_with_line_and_column) {
  std::string p = write_tmp("bad-syntax.json", "{\n \"name\": \"x\"\n \"seed\": 1}");
  auto r = run_glassbox("run " + p);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, p + ":3:7: invalid JSON"), r.out);
}

BOOST_AUTO_TEST_CASE(run_with_unknown_layer_exits_2_naming_its_position) {
  std::string p = write_tmp("bad-layer.json", R"({"model": {"layers": [{"type": "flatten"}, {"type": "dnese", "units": 3}]}})");
  auto r = run_glassbox("run " + p);
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "model.layers.1: unknown layer type 'dnese'"), r.out);
}

// A graph node's "inputs" is the model's to check (not the layer factory's): each mistake
// exits 2 before training, naming the node.
BOOST_AUTO_TEST_CASE(run_with_malformed_graph_inputs_exits_2_naming_the_node) {
  auto run_with_inputs = [](const std::string& tag, const std::string& inputs) {
    return run_glassbox("run " + write_tmp("inputs-" + tag + ".json", R"({"data": {"dataset": "synthetic"}, "model": {"layers": [
        {"type": "dense", "units": 8, "name": "a"}, {"type": "relu", "name": "b", "inputs": ["a"]},
        {"type": "add", "inputs": )" + inputs + R"(}, {"type": "dense", "units": 8}]}})"));
  };
  for (const char* bad : {"5", "[]", "[3]", "\"a\""}) {
    auto r = run_with_inputs("list", bad);
    BOOST_TEST(r.code == 2, bad);
    BOOST_TEST(contains(r.out, "model.layers.2: layer 2 (add): \"inputs\" must be a non-empty list of layer names, got " +
                                   std::string(bad)),
               r.out);
  }
  auto r = run_with_inputs("unknown", R"(["a", "nope"])");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "model.layers: layer 'add_1' (add): unknown input 'nope' (known: "), r.out);
  r = run_with_inputs("cycle", R"(["dense_1", "a"])");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "the layers form a cycle: 'add_1' -> 'dense_1' -> 'add_1'"), r.out);
  r = run_with_inputs("one", R"(["a"])");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "'add_1' (add) is a merge layer and needs at least 2 inputs"), r.out);
}

BOOST_AUTO_TEST_CASE(run_without_file_exits_2) {
  auto r = run_glassbox("run /nonexistent/exp.json");
  BOOST_TEST(r.code == 2);
  BOOST_TEST(contains(r.out, "/nonexistent/exp.json: cannot open experiment file"), r.out);
}

BOOST_AUTO_TEST_CASE(plugins_json_lists_the_three_built_in_families_with_their_files) {
  auto r = run_glassbox("plugins --json");
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  auto j = nlohmann::json::parse(r.out);
  std::set<std::string> names;
  for (const auto& p : j["plugins"]) {
    names.insert(p["name"].get<std::string>());
    BOOST_TEST(contains(p["file"].get<std::string>(), "/plugins/libglassbox_"));
  }
  BOOST_TEST(names.count("glassbox-layers") == 1u);
  BOOST_TEST(names.count("glassbox-optimizers") == 1u);
  BOOST_TEST(names.count("glassbox-datasets") == 1u);
}

BOOST_AUTO_TEST_CASE(garbage_in_requested_plugin_dir_gives_one_line_and_nonzero_exit) {
  auto r = run_glassbox("plugins --plugin-dir " + kTestPlugins + "/garbage");
  BOOST_TEST(r.code == 1);
  BOOST_TEST(r.out == "glassbox plugins: error: " + kTestPlugins + "/garbage/libgarbage.so: not a shared library (no ELF header)\n");
}

BOOST_AUTO_TEST_CASE(int_glassbox_plugin_symbol_is_an_error_not_a_crash) {
  auto r = run_glassbox("plugins --plugin-dir " + kTestPlugins + "/int-entry");
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, kTestPlugins + "/int-entry/libgbtest_int_entry.so: exports 'glassbox_plugin' but it is "
                             "not a glassbox entry point"), r.out);
}

BOOST_AUTO_TEST_CASE(garbage_in_environment_plugin_path_is_a_warning_only) {
  auto r = run_glassbox("plugins", "GLASSBOX_PLUGIN_PATH=" + kTestPlugins + "/garbage");
  BOOST_TEST(r.code == 0);
  BOOST_TEST(contains(r.out, "warning: skipped plugin " + kTestPlugins + "/garbage/libgarbage.so"), r.out);
}

BOOST_AUTO_TEST_CASE(plugin_from_requested_dir_is_listed) {
  auto r = run_glassbox("--plugin-dir " + kTestPlugins + "/good plugins --json");
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& l : j["layers"])
    if (l["name"] == "identity") found = contains(l["origin"].get<std::string>(), "libgbtest_good.so");
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(info_json_reports_blas_core_and_respects_user_coretype) {
  auto r = run_glassbox("info --json", "OPENBLAS_CORETYPE=Haswell");
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  auto j = nlohmann::json::parse(r.out);
  BOOST_TEST(j["blas"]["core"] == "Haswell");
  BOOST_TEST(j["blas"]["OPENBLAS_CORETYPE"] == "Haswell");
  BOOST_TEST(j["blas"]["recommended_coretype"].is_null());
  BOOST_TEST(j["plugin_dirs"].size() >= 2u);
}

BOOST_AUTO_TEST_CASE(a_malformed_thread_count_is_a_warning_naming_the_variable) {
  auto r = run_glassbox("info", "GLASSBOX_NUM_THREADS=two");
  BOOST_TEST(r.code == 0, r.out);
  BOOST_TEST(contains(r.out, "ignoring GLASSBOX_NUM_THREADS='two': expected a whole number >= 1"), r.out);
  auto ok = run_glassbox("info", "GLASSBOX_NUM_THREADS=3");
  BOOST_TEST(contains(ok.out, "Compute:     3 thread(s)"), ok.out);
  BOOST_TEST(!contains(ok.out, "warning"), ok.out);
}
