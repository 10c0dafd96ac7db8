// Hostile experiment files through the driver: output paths outside the results folder,
// wrapped shapes, out-of-range counts, diverging training and wrong-typed keys. Each
// exits 2 (bad configuration) or 1 (failed work) with the key named, never a crash or an
// "internal error".
#define BOOST_TEST_MODULE cli_config
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {
const std::string kDir = "/tmp/glassbox-cli-config-" + std::to_string(::getpid());

std::string write(const std::string& name, const std::string& text) { return gbtest::write_file(kDir, name, text); }

// A run of a few seconds: 64 synthetic 28x28 images, a 4-way dense classifier.
json small_experiment() {
  return json::parse(R"({
    "name": "small", "seed": 1,
    "data": {"dataset": "synthetic", "samples": 64, "test_samples": 16},
    "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 8, "activation": "relu"},
                         {"type": "dense", "units": 4, "activation": "softmax"}]},
    "train": {"epochs": 1, "batch_size": 16, "verbose": 0}
  })");
}

gbtest::CliResult run_config(const std::string& name, const json& config, const std::string& extra = "") {
  return run_glassbox("--quiet run " + write(name + ".json", config.dump()) + " --out " + kDir + "/" + name + "-out " +
                      extra);
}

struct Cleanup {
  ~Cleanup() {
    std::error_code ec;
    fs::remove_all(kDir, ec);
  }
} cleanup;
}  // namespace

BOOST_AUTO_TEST_CASE(csv_log_at_an_absolute_path_exits_2_and_writes_nothing_there) {
  const std::string victim = kDir + "/victim.txt";
  write("victim.txt", "keep me\n");
  json c = small_experiment();
  c["train"]["csv_log"] = victim;
  auto r = run_config("csvlog", c);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "train.csv_log: must be a file name inside the results folder, got '" + victim + "'"), r.out);
  std::ifstream in(victim);
  std::string line;
  std::getline(in, line);
  BOOST_TEST(line == "keep me");
  c["train"]["csv_log"] = "../escape.csv";
  r = run_config("csvlog2", c);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(!fs::exists(kDir + "/escape.csv"));
}

BOOST_AUTO_TEST_CASE(a_wrapping_csv_shape_before_max_pool2d_or_conv2d_exits_2_naming_data_shape) {
  const std::string csv = write("four.csv", "0,1,2,3,0\n1,2,3,4,1\n2,3,4,5,0\n3,4,5,6,1\n");
  for (const char* layer : {R"({"type": "max_pool2d"})", R"({"type": "conv2d", "filters": 2, "kernel_size": 3})"}) {
    json c = small_experiment();
    c["data"] = {{"dataset", "csv"}, {"path", csv}, {"label_column", -1}, {"shape", {1, -1, -4}}};
    c["model"]["layers"] = json::array({json::parse(layer), {{"type", "flatten"}}, {{"type", "dense"}, {"units", 2}}});
    auto r = run_config("wrap", c);
    BOOST_TEST(r.code == 2, r.out);
    BOOST_TEST(contains(r.out, "data.shape: expected a list of positive sizes, got [1,-1,-4]"), r.out);
  }
}

BOOST_AUTO_TEST_CASE(a_model_json_input_shape_near_2_to_the_64_is_refused_at_load) {
  auto r = run_config("saved", small_experiment());
  BOOST_REQUIRE(r.code == 0);
  const std::string model_json = kDir + "/saved-out/model/model.json";
  json m = json::parse(std::ifstream(model_json));
  m["input_shape"] = json::parse("[18446744073709551615, 18446744073709551615]");
  std::ofstream(model_json) << m.dump();
  const std::string npy = kDir + "/saved-out/in.npy";
  fs::copy_file(kDir + "/saved-out/model/" + m["weights"][0]["file"].get<std::string>(), npy);
  r = run_glassbox("explain --model " + kDir + "/saved-out/model --input " + npy + " --out " + kDir + "/ex");
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, "model.json: 'input_shape.0' must be a whole number from 1 to 2147483648, got 18446744073709551615"),
             r.out);
}

BOOST_AUTO_TEST_CASE(epochs_of_2_to_the_40_exits_2_naming_the_key_and_range) {
  json c = small_experiment();
  c["train"]["epochs"] = 1099511627776LL;
  auto r = run_config("epochs", c);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "train.epochs: expected an integer in [0, 100000], got 1099511627776"), r.out);
}

BOOST_AUTO_TEST_CASE(a_diverging_learning_rate_fails_with_exit_1_and_saves_no_model) {
  json c = small_experiment();
  c["train"]["optimizer"] = {{"type", "sgd"}, {"learning_rate", 1e30}};
  c["train"]["epochs"] = 3;
  auto r = run_config("nan", c);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, "training diverged: epoch 1, batch "), r.out);
  BOOST_TEST(contains(r.out, "loss is NaN — the learning rate 1e+30 may be too large"), r.out);
  BOOST_TEST(!fs::exists(kDir + "/nan-out/model"));
  // With terminate_on_nan off the parameters are checked instead.
  c["train"]["terminate_on_nan"] = false;
  r = run_config("nan2", c);
  BOOST_TEST(r.code == 1, r.out);
  BOOST_TEST(contains(r.out, "training diverged"), r.out);
  BOOST_TEST(!fs::exists(kDir + "/nan2-out/model"));
  c["train"]["optimizer"]["learning_rate"] = 1e300;
  r = run_config("nan3", c);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "train.optimizer.learning_rate: expected a positive finite number"), r.out);
}

BOOST_AUTO_TEST_CASE(validation_split_of_2_exits_2_naming_the_key) {
  json c = small_experiment();
  c["data"]["validation_split"] = 2;
  auto r = run_config("split", c);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "data.validation_split: expected a fraction in [0, 1), got 2"), r.out);
}

BOOST_AUTO_TEST_CASE(a_billion_unit_dense_layer_is_refused_before_allocation) {
  json c = small_experiment();
  c["model"]["layers"][1]["units"] = 1000000000;
  auto r = run_config("huge", c);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "(dense) cannot take input of shape (784,)"), r.out);
  BOOST_TEST(contains(r.out, "a weight of shape (784, 1000000000) needs 5841.3 GiB with its gradient, over the limit "
                             "of 2.0 GiB for the model (GLASSBOX_MAX_MODEL_BYTES raises it)"),
             r.out);
  // The limit is raisable; lowered here so that a small model trips it.
  r = run_glassbox("--quiet run " + write("tiny.json", small_experiment().dump()) + " --out " + kDir + "/tiny-out",
                   "GLASSBOX_MAX_MODEL_BYTES=1000");
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "a weight of shape (784, 8) needs 50176 bytes with its gradient, over the limit of 1000 "
                             "bytes for the model"),
             r.out);
}

// The training memory at the batch size, worked out by hand for small_experiment on 1x28x28
// images: parameters (784*8 + 8 + 8*4 + 4) floats with their gradients = 50528 bytes;
// activations (output and input gradient) 4 bytes * (784+784 + 784+8 + 8+4) = 9488 bytes
// per sample, 6272 of them flatten's. At batch size 1000: 9.0 MiB of activations.
BOOST_AUTO_TEST_CASE(a_batch_size_whose_activations_exceed_the_limit_exits_2_naming_it_before_any_work) {
  json c = small_experiment();
  c["train"]["batch_size"] = 1000;
  const std::string limit = "GLASSBOX_MAX_MODEL_BYTES=5000000";
  const std::string message = ": train.batch_size: at batch size 1000 training needs 9.1 MiB (parameters 50528 bytes, "
                              "activations 9.0 MiB; the largest, model.layers.0 'flatten_1' (flatten) with output "
                              "(784,), 6.0 MiB), over the limit of 4.8 MiB (GLASSBOX_MAX_MODEL_BYTES raises it); a "
                              "smaller batch size needs less";
  const std::string file = write("batch.json", c.dump());
  auto r = run_glassbox("--quiet run " + file + " --out " + kDir + "/batch-out", limit);
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, file + message), r.out);
  BOOST_TEST(!fs::exists(kDir + "/batch-out"));
  BOOST_TEST(!fs::exists(kDir + "/batch-out.tmp"));
  // Under the same limit, batch size 16 needs 50528 + 16 * 9488 bytes: it trains.
  c["train"]["batch_size"] = 16;
  r = run_glassbox("--quiet run " + write("batch16.json", c.dump()) + " --out " + kDir + "/batch16-out", limit);
  BOOST_TEST(r.code == 0, r.out);
}

// The issue's wrong-typed keys, and wrong types for the common layer and optimizer
// options: each exits 2 naming the key, never "internal error" or a JSON library message.
BOOST_AUTO_TEST_CASE(wrong_typed_keys_exit_2_naming_the_key) {
  struct Case { std::string path; json value; std::string named; };
  const std::vector<Case> cases = {
      {"train.epochs", "3", "train.epochs"}, {"train.batch_size", 1.5, "train.batch_size"},
      {"seed", -1, "seed"}, {"data.classes", "1,3", "data.classes"},
      {"data.validation_split", "x", "data.validation_split"}, {"train.optimizer", 5, "train.optimizer"},
      {"train.verbose", "yes", "train.verbose"}, {"explain.samples", json::object(), "explain.samples"},
      {"signatures.top_k", "a", "signatures.top_k"}, {"train.shuffle", "no", "train.shuffle"},
      {"model.loss", 3, "model.loss"}, {"model.metrics", "accuracy", "model.metrics"},
      {"train.lr_schedule", 3, "train.lr_schedule"}, {"train.early_stopping", "x", "train.early_stopping"},
      {"data.limit", -5, "data.limit"}, {"name", 5, "name"},
  };
  auto check = [](const std::string& label, const json& c, const std::string& named) {
    const std::string file = write("typed.json", c.dump());
    auto r = run_glassbox("--quiet run " + file + " --check");
    BOOST_TEST(r.code == 2, label << ": " << r.out);
    BOOST_TEST(contains(r.out, named), label << ": " << r.out);
    BOOST_TEST(!contains(r.out, "internal error"), label << ": " << r.out);
    BOOST_TEST(!contains(r.out, "type_error"), label << ": " << r.out);
  };
  for (const auto& k : cases) {
    json c = small_experiment();
    c[json::json_pointer("/" + [&] { std::string p = k.path; for (char& ch : p) if (ch == '.') ch = '/'; return p; }())] =
        k.value;
    check(k.path + " = " + k.value.dump(), c, k.named);
  }
  // Layer options: wrong JSON types for each common option of the layers.
  const std::vector<std::pair<json, std::vector<std::string>>> layers = {
      {{{"type", "dense"}, {"units", 4}}, {"units", "activation", "use_bias", "kernel_initializer", "name"}},
      {{{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}}, {"filters", "kernel_size", "strides", "padding", "activation"}},
      {{{"type", "max_pool2d"}}, {"pool_size", "strides", "padding"}},
      {{{"type", "avg_pool2d"}}, {"pool_size", "strides"}},
      {{{"type", "dropout"}}, {"rate"}},
      {{{"type", "reshape"}, {"target_shape", {784}}}, {"target_shape"}},
  };
  const std::vector<json> wrong = {"x", 1.5, -1, json::object(), json::array({"a"}), 1e30, true};
  for (const auto& [layer, options] : layers)
    for (const auto& opt : options)
      for (const auto& v : wrong) {
        json l = layer;
        l[opt] = v;
        json c = small_experiment();
        c["model"]["layers"][0] = l;
        std::string label = layer["type"].get<std::string>() + "." + opt + " = " + v.dump();
        const std::string file = write("layer.json", c.dump());
        auto r = run_glassbox("--quiet run " + file + " --check");
        if (r.code == 0) continue;  // a value the option accepts (e.g. a name "x")
        BOOST_TEST(r.code == 2, label << ": " << r.out);
        BOOST_TEST(contains(r.out, "model.layers.0"), label << ": " << r.out);
        BOOST_TEST(contains(r.out, opt), label << ": " << r.out);
        BOOST_TEST(!contains(r.out, "internal error"), label << ": " << r.out);
      }
  for (const std::string opt : {"learning_rate", "momentum", "nesterov", "clip_norm", "weight_decay"})
    for (const auto& v : wrong) {
      json c = small_experiment();
      c["train"]["optimizer"] = {{"type", "sgd"}, {opt, v}};
      const std::string file = write("opt.json", c.dump());
      auto r = run_glassbox("--quiet run " + file + " --check");
      if (r.code == 0) continue;
      BOOST_TEST(r.code == 2, opt << " = " << v.dump() << ": " << r.out);
      BOOST_TEST(contains(r.out, "train.optimizer"), r.out);
      BOOST_TEST(contains(r.out, opt), r.out);
      BOOST_TEST(!contains(r.out, "internal error"), r.out);
    }
}
