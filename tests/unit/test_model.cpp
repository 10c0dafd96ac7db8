// MyDeepLearning: shapes and summary, training, determinism, save/load, error paths.
#define BOOST_TEST_MODULE model
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "data_required.h"
#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "glassbox/experiment_data.h"
#include "glassbox/loss.h"
#include "glassbox/npy.h"
#include "model_fixture.h"

using namespace glassbox;
using namespace glassbox::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

MyDeepLearning w2(unsigned long long seed = 42) {
  MyDeepLearning m(model_registry(), seed);
  m.add({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"activation", "relu"}});
  m.add({{"type", "max_pool2d"}, {"pool_size", 2}});
  m.add({{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}});
  m.add({{"type", "max_pool2d"}, {"pool_size", 2}});
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 128}, {"activation", "relu"}});
  m.add({{"type", "dense"}, {"units", 10}});
  return m;
}

MyDeepLearning mlp(std::size_t out, unsigned long long seed = 7) {
  MyDeepLearning m(model_registry(), seed);
  m.add({{"type", "dense"}, {"units", 16}, {"activation", "relu"}});
  m.add({{"type", "dense"}, {"units", out}});
  return m;
}

FitOptions quiet(int epochs, std::size_t batch = 16) { return FitOptions().epochs(epochs).batch_size(batch).verbose(0); }

bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("glassbox-test-model-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p;
}

}  // namespace

BOOST_AUTO_TEST_CASE(w2_shapes_and_parameter_counts) {
  MyDeepLearning m = w2();
  m.build({1, 28, 28});
  BOOST_TEST(m.layer_output_shape(0) == (Shape{8, 26, 26}));
  BOOST_TEST(m.layer_output_shape(3) == (Shape{16, 5, 5}));
  BOOST_TEST(m.layer_output_shape(4) == (Shape{400}));
  BOOST_TEST(m.output_shape() == (Shape{10}));
  const std::size_t expected = 8 * 9 + 8 + 16 * 72 + 16 + 400 * 128 + 128 + 1290;  // 53,866
  BOOST_TEST(m.param_count() == expected);
  const std::string s = m.summary();
  BOOST_TEST(contains(s, "Total params: 53,866"));
  BOOST_TEST(contains(s, "Trainable params: 53,866"));
  BOOST_TEST(contains(s, "conv2d_1 (conv2d)"));
  BOOST_TEST(contains(s, "(None, 8, 26, 26)"));
  BOOST_TEST(contains(s, "dense_2 (dense)"));
  BOOST_TEST(contains(s, "51,328"));  // dense_1: 400 * 128 + 128
}

BOOST_AUTO_TEST_CASE(default_names_are_unique_and_layers_found_by_name) {
  MyDeepLearning m(model_registry());
  m.add({{"type", "dense"}, {"units", 4}});
  m.add({{"type", "relu"}});
  m.add({{"type", "dense"}, {"units", 2}, {"name", "logits"}});
  BOOST_TEST(m.layer(0).name() == "dense_1");
  BOOST_TEST(m.layer(1).name() == "relu_1");
  BOOST_TEST(m.layer_index("logits") == 2u);
  BOOST_TEST(&m.layer("relu_1") == &m.layer(1));
  BOOST_CHECK_EXCEPTION(m.layer("nope"), ConfigError, [](const ConfigError& e) {
    return contains(e.what(), "dense_1, relu_1, logits");
  });
  BOOST_CHECK_THROW(m.add({{"type", "relu"}, {"name", "logits"}}), ConfigError);
}

BOOST_AUTO_TEST_CASE(short_training_run_clears_accuracy_floor) {
  LabeledData train = blobs(1200, 8, 4, 1), test = blobs(400, 8, 4, 2);
  MyDeepLearning m = mlp(4);
  m.compile({{"type", "sgd"}, {"learning_rate", 0.05}, {"momentum", 0.9}}, "sparse_categorical_crossentropy");
  History h = m.fit(train, quiet(5).validation_split(0.25));
  BOOST_TEST(h.epochs.size() == 5u);
  BOOST_TEST(h.epochs.back().has_validation);
  BOOST_TEST(h.epochs.back().loss < h.epochs.front().loss);
  Evaluation ev = m.evaluate(test);
  BOOST_TEST(ev.accuracy > 0.9);
  long total = 0;
  for (const auto& row : ev.confusion)
    for (long v : row) total += v;
  BOOST_TEST(total == 400);
  BOOST_TEST(ev.confusion.size() == 4u);
}

BOOST_AUTO_TEST_CASE(cnn_learns_corner_images) {
  LabeledData train = corner_images(400, 3), test = corner_images(100, 4);
  MyDeepLearning m(model_registry(), 5);
  m.add({{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}});
  m.add({{"type", "max_pool2d"}, {"pool_size", 2}});
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 4}});
  m.compile({{"type", "adam"}, {"learning_rate", 0.01}}, "sparse_categorical_crossentropy");
  m.fit(train, quiet(4));
  BOOST_TEST(m.evaluate(test).accuracy > 0.95);
}

BOOST_AUTO_TEST_CASE(validation_split_takes_the_last_samples) {
  LabeledData data = blobs(200, 8, 4, 3);
  MyDeepLearning m = mlp(4);
  m.compile({{"type", "sgd"}}, "sparse_categorical_crossentropy");
  History h = m.fit(data, quiet(1).validation_split(0.2));
  std::vector<std::size_t> last;
  for (std::size_t i = 160; i < 200; ++i) last.push_back(i);
  Evaluation ev = m.evaluate(data.select(last));
  BOOST_TEST(h.epochs[0].val_loss == ev.loss, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(h.epochs[0].val_accuracy == ev.accuracy);
}

BOOST_AUTO_TEST_CASE(same_seed_same_training_different_seed_different) {
  LabeledData data = blobs(300, 8, 4, 4);
  auto train = [&](unsigned long long seed) {
    MyDeepLearning m = mlp(4, seed);
    m.compile({{"type", "adam"}}, "sparse_categorical_crossentropy");
    History h = m.fit(data, quiet(2));
    return std::make_pair(m.get_weights(), h.epochs.back().loss);
  };
  auto a = train(11), b = train(11), c = train(12);
  BOOST_TEST(a.second == b.second);
  for (std::size_t i = 0; i < a.first.size(); ++i) BOOST_TEST(same_bits(a.first[i], b.first[i]));
  BOOST_TEST(!same_bits(a.first[0], c.first[0]));
}

BOOST_AUTO_TEST_CASE(final_softmax_layer_is_fused_into_the_loss) {
  // With a softmax layer on top, training must follow exactly the same path as the logits
  // model (the loss takes the softmax's input), and predictions are probabilities.
  LabeledData data = blobs(200, 8, 4, 5);
  MyDeepLearning with = mlp(4, 3), without = mlp(4, 3);
  with.add({{"type", "softmax"}});
  with.compile({{"type", "sgd"}, {"learning_rate", 0.1}}, "sparse_categorical_crossentropy");
  without.compile({{"type", "sgd"}, {"learning_rate", 0.1}}, "sparse_categorical_crossentropy");
  History hw = with.fit(data, quiet(2)), hn = without.fit(data, quiet(2));
  BOOST_TEST(with.output_layer_fused());
  BOOST_TEST(with.loss()->from_logits());
  BOOST_TEST(hw.epochs.back().loss == hn.epochs.back().loss, boost::test_tools::tolerance(1e-6));
  Tensor p = with.predict(data.batch_range(0, 5));
  for (std::size_t i = 0; i < 5; ++i) {
    float sum = 0;
    for (std::size_t k = 0; k < 4; ++k) sum += p(i, k);
    BOOST_TEST(sum == 1.0f, boost::test_tools::tolerance(1e-5f));
  }
  BOOST_TEST(with.predict_classes(data.batch_range(0, 20)) == without.predict_classes(data.batch_range(0, 20)));
}

BOOST_AUTO_TEST_CASE(save_load_round_trip_is_bit_identical) {
  LabeledData train = corner_images(64, 6);
  MyDeepLearning m(model_registry(), 9);
  m.add({{"type", "conv2d"}, {"filters", 3}, {"kernel_size", 3}, {"padding", "same"}});
  m.add({{"type", "batch_normalization"}});
  m.add({{"type", "relu"}});
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 4}, {"name", "head"}});
  m.compile({{"type", "adam"}}, "sparse_categorical_crossentropy");
  m.fit(train, quiet(1));
  const fs::path dir = temp_dir("roundtrip");
  m.save(dir.string());
  BOOST_TEST(fs::exists(dir / "model.json"));
  BOOST_TEST(fs::exists(dir / "head.kernel.npy"));
  BOOST_TEST(!fs::exists(dir.string() + ".tmp"));
  MyDeepLearning back = MyDeepLearning::load(dir.string(), model_registry());
  Tensor x = train.batch_range(0, 32);
  BOOST_TEST(same_bits(m.predict(x), back.predict(x)));
  BOOST_TEST(back.config() == m.config());
  BOOST_TEST(back.loss_name() == "sparse_categorical_crossentropy");
  // Saving over an existing model folder replaces it.
  back.save(dir.string());
  BOOST_TEST(same_bits(MyDeepLearning::load(dir.string(), model_registry()).predict(x), m.predict(x)));
  // The .npy files are plain float32 arrays.
  NpyArray k = read_npy((dir / "head.kernel.npy").string());
  BOOST_TEST(k.dtype == "<f4");
}

BOOST_AUTO_TEST_CASE(load_reports_tampered_and_missing_files) {
  MyDeepLearning m = mlp(3);
  m.build({5});
  const fs::path dir = temp_dir("tampered");
  m.save(dir.string());
  Tensor wrong = Tensor::from_shape({16, 5});
  wrong.fill(0);
  write_npy((dir / "dense_1.kernel.npy").string(), wrong);
  BOOST_CHECK_EXCEPTION(MyDeepLearning::load(dir.string(), model_registry()), DataError, [](const DataError& e) {
    return contains(e.what(), "dense_1.kernel.npy") && contains(e.what(), "(16, 5)") && contains(e.what(), "(5, 16)");
  });
  m.save(dir.string());
  fs::remove(dir / "dense_2.bias.npy");
  BOOST_CHECK_EXCEPTION(MyDeepLearning::load(dir.string(), model_registry()), DataError, [](const DataError& e) {
    return contains(e.what(), "dense_2.bias.npy") && contains(e.what(), "missing");
  });
  BOOST_CHECK_EXCEPTION(MyDeepLearning::load((dir / "nothing").string(), model_registry()), DataError,
                        [&](const DataError& e) { return e.what() == (dir / "nothing").string() + ": no such model folder"; });
}

namespace {
std::string load_error(const fs::path& dir) {
  try {
    MyDeepLearning::load(dir.string(), model_registry());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// Saves a small model into `name` and returns its model.json.
json saved_mlp(const fs::path& dir) {
  MyDeepLearning m = mlp(3);
  m.build({5});
  m.save(dir.string());
  std::ifstream f(dir / "model.json");
  return json::parse(f);
}

void write_json(const fs::path& p, const json& j) { std::ofstream(p) << j.dump(); }
}  // namespace

// Each number of model.json is range-checked before nlohmann converts it (4.3e59 to an
// unsigned size is undefined behaviour); the message names the key.
BOOST_AUTO_TEST_CASE(model_json_numbers_out_of_range_are_refused_naming_the_key) {
  const fs::path dir = temp_dir("huge-numbers");
  const json good = saved_mlp(dir);
  const std::string file = (dir / "model.json").string();
  struct Case {
    const char* pointer;
    json value;
    std::string message;
  };
  const Case cases[] = {
      {"/input_shape/0", 4.3e59, "'input_shape.0' must be a whole number from 1 to 2147483648, got 4.3e+59"},
      {"/input_shape/0", -5, "'input_shape.0' must be a whole number from 1 to 2147483648, got -5"},
      {"/input_shape/0", 2.5, "'input_shape.0' must be a whole number from 1 to 2147483648, got 2.5"},
      {"/input_shape", "five", "'input_shape' must be a list of 1 to 8 sizes, got \"five\""},
      {"/version", 4.3e59, "'version' must be a whole number from 1 to 1000000, got 4.3e+59"},
      {"/seed", 1e30, "'seed' must be a whole number from 0 to 18446744073709551615, got 1e+30"},
      {"/seed", -1, "'seed' must be a whole number from 0 to 18446744073709551615, got -1"},
      {"/weights/0/shape/1", 4.3e59, "'weights.0.shape.1' must be a whole number from 1 to 2147483648, got 4.3e+59"},
      {"/weights/1/file", 3, "'weights.1.file' must be a string, got 3"},
  };
  for (const auto& c : cases) {
    json doc = good;
    doc[json::json_pointer(c.pointer)] = c.value;
    write_json(file, doc);
    BOOST_TEST(load_error(dir) == file + ": " + c.message, c.pointer);
  }
}

// model.json records each tensor's role; a listed role must be known and match the rebuilt
// layer's; a file without roles (written before they were recorded) loads as before.
BOOST_AUTO_TEST_CASE(model_json_records_parameter_roles_and_checks_them) {
  const fs::path dir = temp_dir("roles");
  const json good = saved_mlp(dir);
  const std::string file = (dir / "model.json").string();
  std::vector<std::string> roles;
  for (const json& w : good["weights"]) roles.push_back(w.value("role", ""));
  BOOST_TEST(roles == (std::vector<std::string>{"weight", "bias", "weight", "bias"}), boost::test_tools::per_element());
  const struct {
    json value;
    std::string message;
  } cases[] = {
      {"weight", "weights.1 (dense_1.bias) has role 'weight', the layer gives it role 'bias'"},
      {"gamma", "'weights.1.role': unknown parameter role 'gamma' (known: weight, bias, scale, shift, running_mean, "
                "running_variance, other)"},
      {7, "'weights.1.role' must be a string, got 7"},
  };
  for (const auto& c : cases) {
    json doc = good;
    doc["weights"][1]["role"] = c.value;
    write_json(file, doc);
    BOOST_TEST(load_error(dir) == file + ": " + c.message);
  }
  json old = good;
  for (json& w : old["weights"]) w.erase("role");
  write_json(file, old);
  MyDeepLearning back = MyDeepLearning::load(dir.string(), model_registry());
  const MyDeepLearning& cback = back;
  BOOST_TEST(to_string(cback.params()[1].role) == "bias");
  BOOST_TEST(cback.param_count() == 5u * 16u + 16u + 16u * 3u + 3u);
}

BOOST_AUTO_TEST_CASE(incomplete_model_folders_are_refused_as_incomplete) {
  const fs::path dir = temp_dir("incomplete");
  saved_mlp(dir);
  BOOST_TEST(load_error(dir).empty());
  // A leftover temporary file from an interrupted write.
  std::ofstream(dir / "model.json.tmp.123") << "{";
  BOOST_TEST(load_error(dir) == dir.string() +
                                    ": incomplete model folder (leftover temporary file model.json.tmp.123) (an "
                                    "interrupted or unfinished save; save the model again)");
  fs::remove(dir / "model.json.tmp.123");
  // No model.json at all (a save killed before it was written).
  fs::remove(dir / "model.json");
  BOOST_TEST(load_error(dir) == dir.string() + ": incomplete model folder (no model.json) (an interrupted or "
                                               "unfinished save; save the model again)");
  // Only the staging folder of a save is there.
  fs::remove_all(dir);
  fs::create_directories(dir.string() + ".tmp");
  BOOST_TEST(load_error(dir) == dir.string() + ": no saved model here, only the incomplete model folder " +
                                    dir.string() + ".tmp (an interrupted or unfinished save; save the model again)");
  BOOST_TEST(contains(load_error(dir.string() + ".tmp"), ".tmp: incomplete model folder (a '.tmp' staging folder)"));
  fs::remove_all(dir.string() + ".tmp");
  // A model inside a results folder still being written.
  const fs::path run = temp_dir("run-in-progress");
  saved_mlp(run / "model");
  std::ofstream(run / ".glassbox-incomplete") << "";
  BOOST_TEST(load_error(run / "model") == (run / "model").string() + ": incomplete model folder: " + run.string() +
                                              " is a results folder still being written or interrupted (it holds "
                                              ".glassbox-incomplete or is a staging folder)");
}

BOOST_AUTO_TEST_CASE(save_replaces_a_model_whole_and_never_a_foreign_folder) {
  const fs::path dir = temp_dir("replace");
  MyDeepLearning a = mlp(3, 1), b = mlp(3, 2);
  a.build({5});
  b.build({5});
  a.save(dir.string());
  b.save(dir.string());
  Tensor x = Tensor::from_shape({2, 5});
  x.fill(0.5f);
  BOOST_TEST(same_bits(MyDeepLearning::load(dir.string(), model_registry()).predict(x), b.predict(x)));
  // Neither the staging folder nor the old model is left beside it.
  BOOST_TEST(!fs::exists(dir.string() + ".tmp"));
  BOOST_TEST(!fs::exists(dir.string() + ".old"));
  // A folder holding other files is not a model: the swap would delete them.
  const fs::path mine = temp_dir("not-a-model");
  fs::create_directories(mine);
  std::ofstream(mine / "thesis.tex") << "precious";
  try {
    a.save(mine.string());
    BOOST_FAIL("expected Error");
  } catch (const Error& e) {
    BOOST_TEST(std::string(e.what()) == mine.string() + ": exists and holds 'thesis.tex', which is not part of a "
                                                        "saved model; not replacing it (choose another folder)");
  }
  BOOST_TEST(fs::exists(mine / "thesis.tex"));
  // Names of unfinished saves are reserved; a layer merely named "x.tmp" is not one.
  BOOST_CHECK_THROW(a.save(dir.string() + "/inner.tmp"), ConfigError);
  MyDeepLearning named(model_registry(), 3);
  named.add({{"type", "dense"}, {"units", 2}, {"name", "x.tmp"}});
  named.build({5});
  const fs::path named_dir = temp_dir("layer-named-tmp");
  named.save(named_dir.string());
  BOOST_TEST(fs::exists(named_dir / "x.tmp.kernel.npy"));
  BOOST_TEST(load_error(named_dir).empty(), load_error(named_dir));
}

BOOST_AUTO_TEST_CASE(activation_hook_sees_every_layer) {
  MyDeepLearning m = w2();
  m.build({1, 28, 28});
  Tensor x = Tensor::from_shape({2, 1, 28, 28});
  x.fill(0.5f);
  std::vector<std::pair<std::size_t, std::size_t>> seen;  // (layer, output size)
  Tensor out = m.forward(x, [&](std::size_t i, const Layer& l, const Tensor& in, const Tensor& o) {
    BOOST_TEST(in.shape()[0] == 2u);
    seen.emplace_back(i, o.size());
  });
  BOOST_TEST(seen.size() == 7u);
  BOOST_TEST(seen[0].second == 2u * 8 * 26 * 26);
  BOOST_TEST(same_bits(out, m.predict(x)));
}

BOOST_AUTO_TEST_CASE(get_set_weights_check_shapes) {
  MyDeepLearning a = mlp(3, 1), b = mlp(3, 2);
  a.build({5});
  b.build({5});
  b.set_weights(a.get_weights());
  Tensor x = Tensor::from_shape({1, 5});
  x.fill(1);
  BOOST_TEST(same_bits(a.predict(x), b.predict(x)));
  auto w = a.get_weights();
  w[0] = Tensor::from_shape({4, 4});
  BOOST_CHECK_THROW(b.set_weights(w), ConfigError);
  w.pop_back();
  BOOST_CHECK_THROW(b.set_weights(w), ConfigError);
}

BOOST_AUTO_TEST_CASE(cancel_flag_stops_after_the_current_batch) {
  LabeledData data = blobs(320, 8, 4, 8);
  MyDeepLearning m = mlp(4);
  m.compile({{"type", "sgd"}}, "sparse_categorical_crossentropy");
  std::atomic<bool> cancel{false};
  std::size_t batches = 0;
  auto cb = std::make_shared<LambdaCallback>();
  cb->batch_end = [&](MyDeepLearning&, const BatchLog& l) {
    ++batches;
    if (l.epoch == 2 && l.batch == 3) cancel = true;
  };
  History h = m.fit(data, quiet(5).callback(cb).cancel(&cancel));
  BOOST_TEST(h.epochs.size() == 1u);  // the unfinished second epoch is not recorded
  BOOST_TEST(batches == 20u + 3u);
  BOOST_TEST(h.stopped_early);
  BOOST_TEST(h.stop_reason == "cancelled");
}

BOOST_AUTO_TEST_CASE(error_paths_are_clear) {
  MyDeepLearning m(model_registry());
  BOOST_CHECK_EXCEPTION(m.add({{"type", "dense_layer"}}), ConfigError, [](const ConfigError& e) {
    return contains(e.what(), "unknown layer 'dense_layer'") && contains(e.what(), "dense");
  });
  BOOST_CHECK_EXCEPTION(m.add({{"type", "dense"}, {"unit", 3}}), ConfigError,
                        [](const ConfigError& e) { return contains(e.what(), "unit"); });
  MyDeepLearning n = mlp(4);
  LabeledData data = blobs(40, 8, 4, 9);
  BOOST_CHECK_EXCEPTION(n.fit(data, quiet(1)), ConfigError, [](const ConfigError& e) { return contains(e.what(), "compile"); });
  BOOST_CHECK_EXCEPTION(n.compile({{"type", "sgd"}}, "hinge"), ConfigError,
                        [](const ConfigError& e) { return contains(e.what(), "unknown loss 'hinge'"); });
  BOOST_CHECK_EXCEPTION(n.compile({{"type", "sgdd"}}, "mse"), ConfigError,
                        [](const ConfigError& e) { return contains(e.what(), "unknown optimizer 'sgdd'"); });
  n.compile({{"type", "sgd"}}, "sparse_categorical_crossentropy");
  n.build({6});
  BOOST_CHECK_EXCEPTION(n.fit(data, quiet(1)), DataError, [](const DataError& e) {
    return contains(e.what(), "(8,)") && contains(e.what(), "(6,)");
  });
  MyDeepLearning small = mlp(3);
  small.compile({{"type", "sgd"}}, "sparse_categorical_crossentropy");
  BOOST_CHECK_EXCEPTION(small.fit(data, quiet(1)), ConfigError,
                        [](const ConfigError& e) { return contains(e.what(), "units=4"); });
  MyDeepLearning conv(model_registry());
  conv.add({{"type", "conv2d"}, {"filters", 2}, {"kernel_size", 3}});
  BOOST_CHECK_THROW(conv.build({8}), ConfigError);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_subset_trains, *gbtest::needs_dataset("fashion-mnist")) {
  Registry reg;
  load_plugin(reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_layers.so");
  load_plugin(reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_optimizers.so");
  load_plugin(reg, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_datasets.so");
  ExperimentData d = load_experiment_data(json{{"dataset", "fashion-mnist"}, {"limit", 6000}, {"test_limit", 2000}}, reg, "test");
  MyDeepLearning m(reg, 1);
  m.add({{"type", "flatten"}});
  m.add({{"type", "dense"}, {"units", 64}, {"activation", "relu"}});
  m.add({{"type", "dense"}, {"units", 10}});
  m.compile({{"type", "sgd"}, {"learning_rate", 0.01}, {"momentum", 0.9}}, "sparse_categorical_crossentropy");
  m.fit(d.train, quiet(2, 64));
  BOOST_TEST(m.evaluate(d.test).accuracy > 0.75);
}
