// Determinism pinned: `glassbox run` of the same experiment and seed gives bit-identical
// figures and files run to run, on one compute thread and on two. Two small real
// configurations on Fashion-MNIST (Debian's package): the W1 dense network and a
// convolutional one with batch normalization and dropout (random masks, batch statistics
// summed per channel across the threads' chunks). Compared byte for byte: metrics.json and
// training.csv without their timings, config.json, model/model.json and every weight file,
// and the checkpoint folder (saved after every epoch).
#define BOOST_TEST_MODULE cli_determinism
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "data_required.h"

using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string kDir = [] {
  std::string d = "/tmp/glassbox-cli-determinism-" + std::to_string(::getpid());
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}();

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  BOOST_TEST_REQUIRE(in.good(), p.string() << " is missing");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// metrics.json without its clock readings (seconds_total, epochs[].seconds).
std::string metrics_without_time(const fs::path& run) {
  json m = json::parse(read_all(run / "metrics.json"));
  BOOST_TEST_REQUIRE(m.contains("seconds_total"));
  m.erase("seconds_total");
  for (auto& ep : m["epochs"]) ep.erase("seconds");
  return m.dump();
}

// training.csv without its "seconds" column.
std::string csv_without_time(const fs::path& run) {
  std::istringstream in(read_all(run / "training.csv"));
  std::string line, out;
  std::size_t column = std::string::npos;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
    if (column == std::string::npos)
      for (std::size_t i = 0; i < cells.size(); ++i)
        if (cells[i] == "seconds") column = i;
    BOOST_TEST_REQUIRE(column < cells.size(), "training.csv: no seconds column in '" << line << "'");
    cells.erase(cells.begin() + static_cast<std::ptrdiff_t>(column));
    for (const auto& c : cells) out += c + ",";
    out += "\n";
  }
  return out;
}

// Every file of a model folder by name (model.json and the .npy weights).
std::map<std::string, std::string> model_files(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs::directory_iterator(dir)) out[f.path().filename().string()] = read_all(f.path());
  BOOST_TEST_REQUIRE(out.count("model.json") == 1u, dir.string() << " holds no model.json");
  return out;
}

// What a run leaves that must not change from one run to the next.
struct RunFiles {
  std::string metrics, csv, config;
  std::map<std::string, std::string> model, checkpoint;
};

RunFiles run(const std::string& label, json experiment, int threads) {
  experiment["train"]["threads"] = threads;
  const std::string file = kDir + "/" + label + ".json";
  std::ofstream(file) << experiment.dump(2);
  const fs::path out = kDir + "/" + label + "-out";
  const auto r = run_glassbox("--quiet run " + file + " --out " + out.string());
  BOOST_TEST_REQUIRE(r.code == 0, label << ": " << r.out);
  return {metrics_without_time(out), csv_without_time(out), read_all(out / "config.json"), model_files(out / "model"),
          model_files(out / "checkpoint")};
}

json with_training_files(json e) {
  e["train"]["csv_log"] = "training.csv";
  e["train"]["checkpoint"] = {{"monitor", "val_loss"}, {"save_best_only", false}};
  e["train"]["epochs"] = 2;
  return e;
}

// W1 (examples/fashion-mlp.json) on 2,000 training images.
json dense_experiment() {
  return with_training_files(
      {{"name", "determinism-dense"},
       {"seed", 42},
       {"data", {{"dataset", "fashion-mnist"}, {"normalize", "scale"}, {"limit", 2000}, {"test_limit", 500},
                 {"validation_split", 0.1}}},
       {"model",
        {{"layers",
          {{{"type", "flatten"}},
           {{"type", "dense"}, {"units", 256}, {"activation", "relu"}},
           {{"type", "dense"}, {"units", 128}, {"activation", "relu"}},
           {{"type", "dense"}, {"units", 10}}}}}},
       {"train", {{"batch_size", 64}, {"optimizer", {{"type", "sgd"}, {"learning_rate", 0.01}, {"momentum", 0.9}}}}}});
}

// A convolution block with batch normalization, max pooling and a dense head with
// dropout (examples/fashion-cnn-bn.json, smaller), on 1,000 training images.
json conv_experiment() {
  return with_training_files(
      {{"name", "determinism-conv"},
       {"seed", 7},
       {"data", {{"dataset", "fashion-mnist"}, {"normalize", "standardize"}, {"limit", 1000}, {"test_limit", 300},
                 {"validation_split", 0.1}}},
       {"model",
        {{"layers",
          {{{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"padding", "same"}, {"use_bias", false}},
           {{"type", "batch_normalization"}},
           {{"type", "relu"}},
           {{"type", "max_pool2d"}, {"pool_size", 2}},
           {{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}},
           {{"type", "max_pool2d"}, {"pool_size", 2}},
           {{"type", "flatten"}},
           {{"type", "dense"}, {"units", 64}, {"activation", "relu"}},
           {{"type", "dropout"}, {"rate", 0.3}},
           {{"type", "dense"}, {"units", 10}}}}}},
       {"train", {{"batch_size", 32}, {"optimizer", {{"type", "adam"}, {"learning_rate", 0.001}}}}}});
}

void check_identical(const RunFiles& a, const RunFiles& b, const std::string& what) {
  BOOST_TEST_CONTEXT(what) {
    BOOST_TEST(a.metrics == b.metrics);
    BOOST_TEST(a.csv == b.csv);
    BOOST_TEST(a.config == b.config);
    BOOST_TEST(a.model.size() == b.model.size());
    for (const auto& [name, bytes] : a.model) BOOST_TEST((b.model.count(name) && b.model.at(name) == bytes), name);
    BOOST_TEST(a.checkpoint.size() == b.checkpoint.size());
    for (const auto& [name, bytes] : a.checkpoint)
      BOOST_TEST((b.checkpoint.count(name) && b.checkpoint.at(name) == bytes), "checkpoint/" << name);
  }
}

// Two runs per thread count; the runs must also have trained (a model that never left its
// initial weights would be identical trivially): the weights differ from another seed's.
void check_deterministic(const std::string& label, const json& experiment) {
  for (int threads : {1, 2}) {
    const std::string name = label + "-t" + std::to_string(threads);
    const RunFiles first = run(name + "-a", experiment, threads);
    const RunFiles second = run(name + "-b", experiment, threads);
    check_identical(first, second, name + ": run to run");
    json other = experiment;
    other["seed"] = experiment["seed"].get<int>() + 1;
    const RunFiles reseeded = run(name + "-seed", other, threads);
    BOOST_TEST(reseeded.metrics != first.metrics, name << ": another seed gives other figures");
    std::size_t differing = 0;
    for (const auto& [file, bytes] : first.model)
      if (file != "model.json" && reseeded.model.at(file) != bytes) ++differing;
    BOOST_TEST(differing == first.model.size() - 1, name << ": every weight file differs under another seed");
    const json m = json::parse(first.metrics);
    BOOST_TEST(m["epochs"].size() == 2u);
    BOOST_TEST(m["test_accuracy"].get<double>() > 0.3, name << ": the network learned (" << m["test_accuracy"] << ")");
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_dense_network_trains_bit_identically_on_one_and_two_threads,
                     *gbtest::needs_dataset("fashion-mnist")) {
  check_deterministic("dense", dense_experiment());
}

BOOST_AUTO_TEST_CASE(a_conv_network_with_batch_norm_and_dropout_trains_bit_identically_on_one_and_two_threads,
                     *gbtest::needs_dataset("fashion-mnist")) {
  check_deterministic("conv", conv_experiment());
}
