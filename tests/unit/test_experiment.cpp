// Experiment files: syntax errors with line:column, unknown keys with their path and a
// suggestion, --set overrides.
#define BOOST_TEST_MODULE experiment
#include <boost/test/unit_test.hpp>

#include "glassbox/error.h"
#include "glassbox/experiment.h"

using namespace glassbox;

namespace {
std::string error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    parse_experiment(text, "exp.json", overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(valid_file_parses_with_name_and_seed) {
  auto e = parse_experiment(R"({"name": "x", "seed": 7, "train": {"epochs": 2}})", "exp.json");
  BOOST_TEST(e.name() == "x");
  BOOST_TEST(e.seed() == 7u);
  BOOST_TEST(e.section("train")["epochs"] == 2);
  BOOST_TEST(e.section("explain").empty());
}

BOOST_AUTO_TEST_CASE(syntax_error_reports_line_and_column) {
  std::string m = error_of("{\n  \"name\": \"x\",\n  \"seed\": ,\n}");
  BOOST_TEST(m.rfind("exp.json:3:11: invalid JSON", 0) == 0, m);
}

BOOST_AUTO_TEST_CASE(unknown_key_is_named_with_its_path_and_a_suggestion) {
  BOOST_TEST(error_of(R"({"train": {"epoch": 3}})") ==
             "exp.json: unknown key 'train.epoch', did you mean 'train.epochs'?");
  BOOST_TEST(error_of(R"({"trian": {}})") == "exp.json: unknown key 'trian', did you mean 'train'?");
  BOOST_TEST(error_of(R"({"zzzzzz": 1})") == "exp.json: unknown key 'zzzzzz'");
}

BOOST_AUTO_TEST_CASE(section_of_wrong_type_is_reported) {
  BOOST_TEST(error_of(R"({"train": 3})") == "exp.json: 'train' must be an object, got 3");
  BOOST_TEST(error_of(R"({"model": {"layers": {}}})") == "exp.json: 'model.layers' must be a list of layers");
  BOOST_TEST(error_of(R"({"model": {"layers": [{"units": 3}]}})") ==
             "exp.json: 'model.layers.0' needs a \"type\"");
  BOOST_TEST(error_of(R"({"seed": -1})") == "exp.json: 'seed' must be a non-negative integer, got -1");
}

BOOST_AUTO_TEST_CASE(set_overrides_nested_values_with_json_or_string) {
  auto e = parse_experiment(R"({"train": {"epochs": 1}, "model": {"layers": [{"type": "dense", "units": 4}]}})",
                            "exp.json", {"train.epochs=3", "model.layers.0.units=8", "name=run one",
                                         "data.classes=[1,3]"});
  BOOST_TEST(e.config["train"]["epochs"] == 3);
  BOOST_TEST(e.config["model"]["layers"][0]["units"] == 8);
  BOOST_TEST(e.config["name"] == "run one");
  BOOST_TEST(e.config["data"]["classes"] == nlohmann::json::parse("[1,3]"));
}

BOOST_AUTO_TEST_CASE(bad_overrides_are_config_errors) {
  BOOST_TEST(error_of("{}", {"train.epochs"}) == "--set 'train.epochs': expected key.path=value");
  BOOST_TEST(error_of(R"({"model": {"layers": []}})", {"model.layers.4.units=2"}) ==
             "--set 'model.layers.4.units=2': index 4 out of range");
  // An override is validated like the file itself.
  BOOST_TEST(error_of("{}", {"train.epohcs=2"}) == "exp.json: unknown key 'train.epohcs', did you mean 'train.epochs'?");
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
  try {
    load_experiment("/nonexistent/exp.json");
    BOOST_FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "/nonexistent/exp.json: cannot open experiment file");
  }
}

BOOST_AUTO_TEST_CASE(nesting_beyond_the_bound_is_refused_at_parse_time_with_its_position) {
  // 100,000 levels overflowed the stack in the schema walk and in dump(); the parser now
  // stops at the first bracket that opens level 65, on line 2.
  const std::string deep = "{\"model\":\n" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const std::string m = error_of(deep);
  BOOST_TEST(m == "exp.json:2:64: invalid JSON (nested deeper than 64 levels)", m);
  // 64 levels in all (the outer object is the first) still parse.
  const std::string ok = "{\"description\":" + std::string(63, '[') + std::string(63, ']') + "}";
  BOOST_TEST(error_of(ok).empty());
  const std::string over = "{\"description\":" + std::string(64, '[') + std::string(64, ']') + "}";
  BOOST_TEST(error_of(over) == "exp.json:1:79: invalid JSON (nested deeper than 64 levels)");
}

BOOST_AUTO_TEST_CASE(brackets_inside_strings_do_not_count_toward_the_depth) {
  const std::string text = R"({"description": ")" + std::string(500, '[') + R"(\"[{"})";
  BOOST_TEST(error_of(text).empty());
  BOOST_TEST(parse_experiment(text, "exp.json").config["description"].get<std::string>().size() == 503u);
}

BOOST_AUTO_TEST_CASE(a_deep_set_value_is_refused_not_taken_as_a_string) {
  const std::string m = error_of("{}", {"description=" + std::string(1000, '[')});
  BOOST_TEST(m.find("nested deeper than 64 levels") != std::string::npos, m);
}
