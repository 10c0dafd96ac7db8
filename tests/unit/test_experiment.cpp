// Experiment files: syntax errors with line:column, unknown keys with their path and a
// suggestion, --set overrides.
#define BOOST_TEST_MODULE experiment
#include <boost/test/unit_test.hpp>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/experiment_schema.h"
#include "glassbox/shape_check.h"

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
  BOOST_TEST(error_of(R"({"model": {"layers": {}}})") ==
             "exp.json: model.layers: expected a list of layers {\"type\": ...}, got {}");
  BOOST_TEST(error_of(R"({"model": {"layers": [{"units": 3}]}})") ==
             "exp.json: 'model.layers.0' needs a \"type\" (a layer name)");
  BOOST_TEST(error_of(R"({"seed": -1})") == "exp.json: seed: expected a non-negative integer, got -1");
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

// Found by fuzzing (fuzz_experiment): a --set value that is not JSON and not UTF-8 reached
// the error message through json::dump, which threw a json type_error instead.
BOOST_AUTO_TEST_CASE(an_override_with_invalid_utf8_is_a_config_error_naming_the_key) {
  BOOST_TEST(error_of(R"({"train": {"epochs": 1}})", {"train.epochs=2", "train.epochs=-1f\xfe"}) ==
             "exp.json: train.epochs: expected an integer in [0, 100000], got \"-1f\xef\xbf\xbd\"");
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
  const std::string ok = "{\"output\":" + std::string(63, '[') + std::string(63, ']') + "}";
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

// ---- Output names stay inside the results folder --------------------------------------

BOOST_AUTO_TEST_CASE(csv_log_outside_the_results_folder_is_refused_naming_the_key) {
  BOOST_TEST(error_of(R"({"train": {"csv_log": "/tmp/victim.txt"}})") ==
             "exp.json: train.csv_log: must be a file name inside the results folder, got '/tmp/victim.txt'");
  for (const char* bad : {"../x.csv", "a/../../x.csv", "./x.csv", "", "a//b", "a\\..\\b"}) {
    const std::string m = error_of(nlohmann::json({{"train", {{"csv_log", bad}}}}).dump());
    BOOST_TEST(m.find("train.csv_log: must be a file name inside the results folder") != std::string::npos, bad << ": " << m);
  }
  BOOST_TEST(error_of(R"({"train": {"csv_log": "logs/training.csv"}})") == "");
  BOOST_TEST(error_of(R"({"train": {"csv_log": true}})") == "");
}

BOOST_AUTO_TEST_CASE(other_output_names_are_checked_too) {
  BOOST_TEST(error_of(R"({"output": {"dir": "/etc"}})") ==
             "exp.json: output.dir: must be a file name inside the results folder, got '/etc'");
  BOOST_TEST(error_of(R"({"train": {"checkpoint": {"path": "../../model"}}})") ==
             "exp.json: train.checkpoint.path: must be a file name inside the results folder, got '../../model'");
  BOOST_TEST(error_of(R"({"explain": {"evaluation": {"output_file": "/tmp/e.json"}}})") ==
             "exp.json: explain.evaluation.output_file: must be a file name inside the results folder, got '/tmp/e.json'");
}

BOOST_AUTO_TEST_CASE(results_names_are_plain_relative_components) {
  BOOST_TEST(is_inside_results_name("training.csv"));
  BOOST_TEST(is_inside_results_name("logs/training.csv"));
  BOOST_TEST(!is_inside_results_name("/abs"));
  BOOST_TEST(!is_inside_results_name(".."));
  BOOST_TEST(!is_inside_results_name("a/.."));
  BOOST_TEST(!is_inside_results_name("a/"));
  BOOST_TEST(!is_inside_results_name(std::string("a\0b", 3)));
}

// ---- Shapes --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(checked_element_count_refuses_overflow_zero_and_empty) {
  BOOST_TEST(checked_element_count({1, 28, 28}, "x") == 784u);
  const std::size_t big = std::size_t(1) << 32;
  // (2^32)^2 wraps to 0 as a size_t; (2^64-1)(2^64-4) wraps to 4 (the CSV reproducer).
  BOOST_CHECK_THROW(checked_element_count({big, big}, "x"), ConfigError);
  BOOST_CHECK_THROW(checked_element_count({1, std::size_t(-1), std::size_t(-4)}, "x"), ConfigError);
  BOOST_CHECK_THROW(checked_element_count({3, 0, 2}, "x"), ConfigError);
  BOOST_CHECK_THROW(checked_element_count({}, "x"), ConfigError);
  BOOST_CHECK_THROW(checked_element_count({kMaxSampleElements + 1}, "x"), ConfigError);
  BOOST_TEST(checked_element_count({kMaxSampleElements}, "x") == kMaxSampleElements);
  std::size_t r = 7;
  BOOST_TEST(!checked_multiply(std::size_t(-1), 2, std::size_t(-1), r));
  BOOST_TEST(r == 7u);
}

BOOST_AUTO_TEST_CASE(shape_from_json_refuses_negative_zero_fractional_and_huge_sizes) {
  BOOST_TEST((shape_from_json(nlohmann::json::parse("[1, 28, 28]"), "s") == Shape{1, 28, 28}));
  for (const char* bad : {"[1,-1,-4]", "[0]", "[2.5]", "[\"3\"]", "[]", "3", "[18446744073709551615]",
                          "[4294967296, 4294967296]", "null"}) {
    try {
      shape_from_json(nlohmann::json::parse(bad), "data.shape");
      BOOST_ERROR(std::string("accepted ") + bad);
    } catch (const ConfigError& e) {
      BOOST_TEST(std::string(e.what()).rfind("data.shape: ", 0) == 0, e.what());
    }
  }
}

BOOST_AUTO_TEST_CASE(data_and_model_shapes_are_checked_at_validation) {
  BOOST_TEST(error_of(R"({"data": {"dataset": "csv", "shape": [1, -1, -4]}})") ==
             "exp.json: data.shape: expected a list of positive sizes, got [1,-1,-4]");
  BOOST_TEST(error_of(R"({"model": {"input_shape": [18446744073709551615, 2]}})") ==
             "exp.json: model.input_shape: [18446744073709551615,2] holds more than 2147483648 elements");
}

BOOST_AUTO_TEST_CASE(parameter_budget_refuses_a_billion_units_before_allocating) {
  BOOST_CHECK_NO_THROW(check_parameter_budget({784, 128}, "dense"));
  try {
    check_parameter_budget({784, 1000000000}, "layer 1 'dense_1' (dense)");
    BOOST_ERROR("accepted");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "layer 1 'dense_1' (dense): a weight of shape (784, 1000000000) needs 5841.3 GiB "
                                        "with its gradient, over the limit of 2.0 GiB for the model "
                                        "(GLASSBOX_MAX_MODEL_BYTES raises it)");
  }
  ::setenv("GLASSBOX_MAX_MODEL_BYTES", "1000", 1);
  BOOST_CHECK_THROW(check_parameter_budget({784, 128}, "dense"), ConfigError);
  ::unsetenv("GLASSBOX_MAX_MODEL_BYTES");
}

// Within a ParameterBudget the tensors add up: (784, 8) with its gradient is 50176 bytes,
// (8, 4) 256; under a limit of 50300 each fits alone, the second not after the first.
BOOST_AUTO_TEST_CASE(parameter_budget_adds_up_the_tensors_of_one_build) {
  ::setenv("GLASSBOX_MAX_MODEL_BYTES", "50300", 1);
  BOOST_CHECK_NO_THROW(check_parameter_budget({8, 4}, "alone"));
  {
    ParameterBudget budget;
    check_parameter_budget({784, 8}, "first");
    BOOST_TEST(budget.bytes() == 50176u);
    try {
      check_parameter_budget({8, 4}, "second");
      BOOST_ERROR("accepted");
    } catch (const ConfigError& e) {
      BOOST_TEST(std::string(e.what()) == "second: a weight of shape (8, 4) needs 256 bytes with its gradient, with the "
                                          "model's 50176 bytes before it, over the limit of 50300 bytes for the model "
                                          "(GLASSBOX_MAX_MODEL_BYTES raises it)");
    }
    BOOST_TEST(budget.bytes() == 50176u);
  }
  BOOST_CHECK_NO_THROW(check_parameter_budget({8, 4}, "after the build"));
  ::unsetenv("GLASSBOX_MAX_MODEL_BYTES");
}

// ---- Ranges and types ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(epochs_and_batch_size_out_of_range_name_the_key_and_range) {
  BOOST_TEST(error_of(R"({"train": {"epochs": 1099511627776}})") ==
             "exp.json: train.epochs: expected an integer in [0, 100000], got 1099511627776");
  BOOST_TEST(error_of(R"({"train": {"batch_size": 0}})") ==
             "exp.json: train.batch_size: expected an integer in [1, 1048576], got 0");
  BOOST_TEST(error_of(R"({"train": {"threads": 100000}})") ==
             "exp.json: train.threads: expected an integer in [1, 1024], got 100000");
}

BOOST_AUTO_TEST_CASE(learning_rate_must_be_positive_and_finite_as_a_float) {
  for (const char* lr : {"0", "-0.1", "1e300", "\"0.1\""}) {
    const std::string m = error_of(std::string(R"({"train": {"optimizer": {"type": "sgd", "learning_rate": )") + lr + "}}}");
    BOOST_TEST(m.rfind("exp.json: train.optimizer.learning_rate: expected a positive finite number", 0) == 0, lr << ": " << m);
  }
  BOOST_TEST(error_of(R"({"train": {"optimizer": {"type": "sgd", "learning_rate": 1e30}}})") == "");
  // Beyond a double: a JSON error with its position, not a library exception.
  BOOST_TEST(error_of("{\"train\": {\"epochs\": 1e400}}") == "exp.json:1:22: invalid JSON (the number 1e400 is out of range)");
}

BOOST_AUTO_TEST_CASE(callback_options_are_checked_at_validation) {
  BOOST_TEST(error_of(R"({"train": {"lr_schedule": {"type": "step", "step_size": 0}}})") ==
             "exp.json: train.lr_schedule: 'step_size' must be a whole number in [1, 2147483647], got 0");
  BOOST_TEST(error_of(R"({"train": {"early_stopping": {"patience": "x"}}})") ==
             "exp.json: train.early_stopping: 'patience' must be a whole number in [0, 2147483647], got \"x\"");
}

BOOST_AUTO_TEST_CASE(validation_split_of_two_is_refused_at_validation) {
  BOOST_TEST(error_of(R"({"data": {"dataset": "csv", "path": "/nonexistent.csv", "validation_split": 2}})") ==
             "exp.json: data.validation_split: expected a fraction in [0, 1), got 2");
}

BOOST_AUTO_TEST_CASE(the_issue_s_wrong_typed_keys_name_the_key) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"train": {"epochs": "3"}})", "train.epochs: expected an integer in [0, 100000], got \"3\""},
      {R"({"train": {"batch_size": 1.5}})", "train.batch_size: expected an integer in [1, 1048576], got 1.5"},
      {R"({"seed": -1})", "seed: expected a non-negative integer, got -1"},
      {R"({"data": {"classes": "1,3"}})", "data.classes: expected a list of class numbers or names, got \"1,3\""},
      {R"({"data": {"validation_split": "x"}})", "data.validation_split: expected a fraction in [0, 1), got \"x\""},
      {R"({"train": {"optimizer": 5}})", "train.optimizer: expected an optimizer name or {\"type\": ...}, got 5"},
      {R"({"train": {"verbose": "yes"}})", "train.verbose: expected 0, 1 or 2, got \"yes\""},
      {R"({"explain": {"samples": {}}})", "explain.samples: expected a count in [0, 1000000] or a list of test sample indices, got {}"},
      {R"({"signatures": {"top_k": "a"}})", "signatures.top_k: expected an integer in [1, 1000000], got \"a\""},
      {R"({"train": {"optimizer": {"learning_rate": 0.1}}})", "train.optimizer.type: expected an optimizer name, got null"},
  };
  for (const auto& [text, want] : cases) BOOST_TEST(error_of(text) == "exp.json: " + want, text);
}

// Every key of the schema, given values of each wrong JSON type: a ConfigError naming the
// key, never a JSON library exception.
BOOST_AUTO_TEST_CASE(every_schema_key_with_a_wrong_typed_value_names_the_key) {
  using nlohmann::json;
  const std::vector<json> wrong = {"x", 1.5, -1, json::object(), json::array({1, "a"}), 1099511627776LL,
                                   1e300, true, json::array()};
  std::size_t refused = 0;
  for (const auto& rule : schema::rules()) {
    if (rule.types == schema::kAny) continue;
    const std::string path = rule.path;
    for (const auto& v : wrong) {
      json config = json::object();
      json* node = &config;
      std::size_t start = 0;
      for (std::size_t dot; (dot = path.find('.', start)) != std::string::npos; start = dot + 1)
        node = &(*node)[path.substr(start, dot - start)];
      (*node)[path.substr(start)] = v;
      if (path.rfind("train.optimizer.", 0) == 0) config["train"]["optimizer"]["type"] = "sgd";
      std::string message;
      try {
        validate_experiment(config, "exp.json");
        continue;  // a value this key accepts
      } catch (const ConfigError& e) {
        message = e.what();
      } catch (const std::exception& e) {
        BOOST_ERROR(path << " = " << v.dump() << ": not a ConfigError: " << e.what());
        continue;
      }
      ++refused;
      BOOST_TEST(message.find("exp.json: " + path) == 0, path << " = " << v.dump() << ": " << message);
      BOOST_TEST(message.find("type_error") == std::string::npos, message);
    }
  }
  BOOST_TEST(refused > 300u);
}
