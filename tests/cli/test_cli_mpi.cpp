// Data-parallel `glassbox run` under `mpirun -np 2` (docs/mpi.md) against one process:
// the same seed and global batch size give the same parameters up to the order of float
// sums (tolerance stated in docs/mpi.md: every tensor within 1e-5 of its largest
// magnitude after a few epochs), the same test figures, and one results folder written by
// rank 0; the sharded analyses (signatures, linear probes, explanations, region
// perturbation) give one process's results to the tolerances docs/mpi.md states. Built and
// run only when MPI was found; as root with --allow-run-as-root --oversubscribe (two ranks
// on the test machine, which may have fewer cores).
#define BOOST_TEST_MODULE cli_mpi
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "data_required.h"
#include "glassbox/npy.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::string& dir() {
  static const std::string d = gbtest::fresh_dir("cli-mpi");
  return d;
}

// `glassbox ARGS` on `ranks` MPI ranks (0: a plain start, no mpirun).
gbtest::CliResult run_ranks(int ranks, const std::string& args) {
  if (ranks == 0) return run_glassbox(args);
  const std::string launcher = std::string(GLASSBOX_MPIEXEC) + " --allow-run-as-root --oversubscribe -np " +
                               std::to_string(ranks) + " -x GLASSBOX_PLUGIN_PATH -x OPENBLAS_NUM_THREADS ";
  const std::string cmd = "env GLASSBOX_PLUGIN_PATH= " + launcher + GLASSBOX_BINARY_DIR "/glassbox " + args + " 2>&1";
  gbtest::CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Trains `experiment` into dir()/name on `ranks` ranks; returns the run folder.
std::string train(const json& experiment, const std::string& name, int ranks) {
  const std::string config = gbtest::write_file(dir(), name + ".json", experiment.dump());
  const std::string out = dir() + "/" + name;
  const auto r = run_ranks(ranks, "run " + config + " --out " + out);
  BOOST_TEST_REQUIRE(r.code == 0, name << " failed:\n" << r.out);
  // Rank 0 alone reports: one final line.
  std::size_t lines = 0;
  for (std::size_t at = r.out.find("results in"); at != std::string::npos; at = r.out.find("results in", at + 1))
    ++lines;
  BOOST_TEST(lines == 1u, name << ": one 'results in' line, got " << lines << ":\n" << r.out);
  return out;
}

// The largest |a - b| of each weight file, relative to a's largest magnitude.
double worst_relative_difference(const std::string& a, const std::string& b) {
  double worst = 0;
  std::size_t files = 0;
  for (const auto& f : fs::directory_iterator(a + "/model")) {
    if (f.path().extension() != ".npy") continue;
    const auto x = glassbox::read_npy(f.path().string()).as_float();
    const auto y = glassbox::read_npy(b + "/model/" + f.path().filename().string()).as_float();
    BOOST_TEST_REQUIRE(x.size() == y.size(), f.path().filename());
    double diff = 0, scale = 1e-30;
    for (std::size_t i = 0; i < x.size(); ++i) {
      diff = std::max(diff, static_cast<double>(std::fabs(x[i] - y[i])));
      scale = std::max(scale, static_cast<double>(std::fabs(x[i])));
    }
    worst = std::max(worst, diff / scale);
    ++files;
  }
  BOOST_TEST_REQUIRE(files >= 4u);
  return worst;
}

// 251 samples in batches of 5: every batch splits 3 + 2 rows, the last one (1 row) leaves
// rank 1 without rows, which must add nothing.
json mlp_experiment() {
  return {{"name", "mpi-mlp"},
          {"seed", 5},
          {"data",
           {{"dataset", "synthetic"},
            {"options", {{"samples", 251}, {"test_samples", 100}, {"num_classes", 4}, {"noise", 0.8}}}}},
          {"model",
           {{"layers",
             {{{"type", "flatten"}},
              {{"type", "dense"}, {"units", 16}, {"activation", "relu"}},
              {{"type", "dense"}, {"units", 4}}}}}},
          {"train",
           {{"epochs", 3},
            {"batch_size", 5},
            {"optimizer", {{"type", "adam"}, {"learning_rate", 0.003}}},
            {"verbose", 2}}}};
}

json metrics(const std::string& run) { return gbtest::read_json(run + "/metrics.json"); }

}  // namespace

BOOST_AUTO_TEST_CASE(two_ranks_train_the_model_of_one_process_up_to_float_sum_order) {
  const std::string one = train(mlp_experiment(), "mlp-1", 0);
  const std::string two = train(mlp_experiment(), "mlp-2", 2);
  const double worst = worst_relative_difference(one, two);
  BOOST_TEST(worst < 1e-5, "parameters differ by " << worst << " of their scale");
  // Not trivially equal: training moved the weights (another seed gives others).
  json reseeded = mlp_experiment();
  reseeded["seed"] = 6;
  const std::string other = train(reseeded, "mlp-seed", 2);
  BOOST_TEST(worst_relative_difference(one, other) > 1e-2);
  const json m1 = metrics(one), m2 = metrics(two);
  BOOST_TEST(std::fabs(m1["test_accuracy"].get<double>() - m2["test_accuracy"].get<double>()) <= 0.002);
  BOOST_TEST(m1["test_accuracy"].get<double>() > 0.9, "the network learned: " << m1["test_accuracy"]);
  // The epoch figures are the global batches' (reduced over the ranks), not rank 0's shard.
  for (std::size_t e = 0; e < 3; ++e) {
    BOOST_TEST(m2["epochs"][e]["loss"].get<double>() == m1["epochs"][e]["loss"].get<double>(),
               boost::test_tools::tolerance(1e-4));
    BOOST_TEST(m2["epochs"][e]["accuracy"].get<double>() == m1["epochs"][e]["accuracy"].get<double>(),
               boost::test_tools::tolerance(1e-9));
  }
}

// The replicas' scratch folders now in the temporary folder.
std::set<std::string> scratch_folders() {
  std::set<std::string> out;
  for (const auto& f : fs::directory_iterator(fs::temp_directory_path()))
    if (f.path().filename().string().rfind("glassbox-replica-", 0) == 0) out.insert(f.path().string());
  return out;
}

BOOST_AUTO_TEST_CASE(only_rank_0_writes_and_the_others_leave_no_scratch_folder) {
  const auto before = scratch_folders();  // a killed earlier launch may have left some
  const std::string run = train(mlp_experiment(), "mlp-files", 2);
  BOOST_TEST(fs::exists(run + "/metrics.json"));
  BOOST_TEST(fs::exists(run + "/model/model.json"));
  BOOST_TEST(!fs::exists(run + ".tmp"));
  for (const auto& f : scratch_folders()) BOOST_TEST(before.count(f) == 1u, f << " was left behind");
}

BOOST_AUTO_TEST_CASE(batch_statistics_are_averaged_so_the_ranks_stay_one_model) {
  json e = mlp_experiment();
  e["model"]["layers"] = {{{"type", "flatten"}},
                          {{"type", "dense"}, {"units", 16}},
                          {{"type", "batch_normalization"}},
                          {{"type", "relu"}},
                          {{"type", "dense"}, {"units", 4}}};
  const std::string run = train(e, "mlp-bn", 2);
  BOOST_TEST(metrics(run)["test_accuracy"].get<double>() > 0.9);
}

BOOST_AUTO_TEST_CASE(a_bad_configuration_is_reported_once_with_exit_2) {
  json e = mlp_experiment();
  e["train"]["epochs"] = "three";
  const std::string config = gbtest::write_file(dir(), "bad.json", e.dump());
  const auto r = run_ranks(2, "run " + config + " --out " + dir() + "/bad");
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "train.epochs"), r.out);
  const auto first = r.out.find("train.epochs");
  BOOST_TEST(r.out.find("glassbox run: error", first + 1) == std::string::npos, "reported once:\n" << r.out);
}

// Acceptance: a W2-shaped network (examples/fashion-cnn.json) on a Fashion-MNIST subset
// reaches the same test accuracy on two ranks as on one, within 0.2 points.
BOOST_AUTO_TEST_CASE(w2_on_two_ranks_reaches_one_process_test_accuracy, *gbtest::needs_dataset("fashion-mnist")) {
  json e = gbtest::read_json(GLASSBOX_SOURCE_DIR "/examples/fashion-cnn.json");
  e["data"]["limit"] = 3000;
  e["data"]["test_limit"] = 1000;
  e["train"]["epochs"] = 2;
  e["train"]["verbose"] = 2;
  const json m1 = metrics(train(e, "w2-1", 0)), m2 = metrics(train(e, "w2-2", 2));
  const double a1 = m1["test_accuracy"].get<double>(), a2 = m2["test_accuracy"].get<double>();
  BOOST_TEST(std::fabs(a1 - a2) <= 0.002, "one process " << a1 << ", two ranks " << a2);
  BOOST_TEST(a1 > 0.6, "the network learned: " << a1);
}

// Acceptance: a 2 x 2 sweep on two ranks runs four runs, two on each rank, and its
// comparison lists them with the figures a local sweep gives.
BOOST_AUTO_TEST_CASE(a_two_by_two_sweep_is_dealt_to_the_ranks) {
  const std::string config = gbtest::write_file(dir(), "sweep.json", mlp_experiment().dump());
  const std::string grid = " --grid train.optimizer.learning_rate=0.001,0.01 --grid model.layers.1.units=8,16";
  const auto ranks = run_ranks(2, "sweep " + config + grid + " --out " + dir() + "/sweep-2");
  BOOST_TEST_REQUIRE(ranks.code == 0, ranks.out);
  const auto local = run_ranks(0, "sweep " + config + grid + " --out " + dir() + "/sweep-local");
  BOOST_TEST_REQUIRE(local.code == 0, local.out);
  const json c2 = gbtest::read_json(dir() + "/sweep-2/sweep.json");
  const json c1 = gbtest::read_json(dir() + "/sweep-local/sweep.json");
  BOOST_TEST_REQUIRE(c2["runs"].size() == 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(c2["runs"][i]["status"] == "ok");
    BOOST_TEST(c2["runs"][i]["rank"].get<int>() == static_cast<int>(i % 2));
    BOOST_TEST(c2["runs"][i]["assignments"] == c1["runs"][i]["assignments"]);
    BOOST_TEST(c2["runs"][i]["test_accuracy"].get<double>() == c1["runs"][i]["test_accuracy"].get<double>());
    BOOST_TEST(c2["runs"][i]["test_loss"].get<double>() == c1["runs"][i]["test_loss"].get<double>(),
               boost::test_tools::tolerance(1e-6));
    BOOST_TEST(fs::exists(dir() + "/sweep-2/run-" + std::to_string(i + 1) + "/metrics.json"));
  }
  BOOST_TEST(contains(ranks.out, "on 2 ranks"), ranks.out);
}

namespace {

// Largest difference of two JSON documents' numbers (keys under "seconds" are clock
// readings and skipped), relative to magnitudes above `floor` and scaled by `floor` below
// it; anything else must be equal. Returns -1 on a mismatch.
double json_difference(const json& a, const json& b, const std::string& path, double floor = 1e-12) {
  if (path.find("seconds") != std::string::npos) return 0;
  if (a.is_number_float() || b.is_number_float()) {
    if (!a.is_number() || !b.is_number()) return -1;
    const double x = a.get<double>(), y = b.get<double>();
    return std::fabs(x - y) / std::max(std::fabs(x), floor);
  }
  if (a.type() != b.type() || a.size() != b.size()) return -1;
  if (!a.is_structured()) return a == b ? 0 : -1;
  double worst = 0;
  for (auto it = a.begin(); it != a.end(); ++it) {
    const std::string key = a.is_object() ? it.key() : std::to_string(std::distance(a.begin(), it));
    const json& other = a.is_object() ? (b.contains(it.key()) ? b[it.key()] : json()) : b[std::distance(a.begin(), it)];
    const double d = json_difference(*it, other, path + "." + key, floor);
    if (d < 0) {
      BOOST_TEST_MESSAGE("differs at " << path << "." << key);
      return -1;
    }
    worst = std::max(worst, d);
  }
  return worst;
}

}  // namespace

// A conv network on three of the synthetic set's four classes, the fourth unseen; epochs 0:
// the seeded untrained model, the same on both, so only the sharded analyses differ.
json analysis_experiment() {
  json e = mlp_experiment();
  e["data"]["options"]["num_classes"] = 4;
  e["data"]["classes"] = {0, 1, 2};
  e["data"]["unseen_classes"] = {3};
  e["model"]["layers"] = {{{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}},
                          {{"type", "max_pool2d"}, {"pool_size", 2}},
                          {{"type", "flatten"}},
                          {{"type", "dense"}, {"units", 3}}};
  e["train"]["epochs"] = 0;
  return e;
}

// The largest relative difference of two folders' .npy files of the same names (at least
// `min_files` of them).
double npy_difference(const std::string& a, const std::string& b, std::size_t min_files) {
  double worst = 0;
  std::size_t files = 0;
  for (const auto& f : fs::directory_iterator(a)) {
    if (f.path().extension() != ".npy") continue;
    const auto x = glassbox::read_npy(f.path().string()).as_float();
    const auto y = glassbox::read_npy(b + "/" + f.path().filename().string()).as_float();
    BOOST_TEST_REQUIRE(x.size() == y.size(), f.path().filename());
    double diff = 0, scale = 1e-30;
    for (std::size_t i = 0; i < x.size(); ++i) {
      diff = std::max(diff, static_cast<double>(std::fabs(x[i] - y[i])));
      scale = std::max(scale, static_cast<double>(std::fabs(x[i])));
    }
    worst = std::max(worst, diff / scale);
    ++files;
  }
  BOOST_TEST(files >= min_files, a << ": " << files << " .npy files");
  return worst;
}

// Acceptance: signatures computed on two ranks (each folds its shard, the accumulators are
// merged) equal one process's. A conv layer covers channel peaks, quantile calibration and
// grid patterns, a held-out class the novelty scores. (The linear probes, whose training
// rounds differently on two ranks, have a test of their own.)
BOOST_AUTO_TEST_CASE(signatures_on_two_ranks_equal_one_process) {
  json e = analysis_experiment();
  e["signatures"] = {{"relevance", false}, {"plots", false}, {"batch_size", 16}, {"linear_probes", false}};
  const std::string one = train(e, "sig-1", 0), two = train(e, "sig-2", 2);
  const double arrays = npy_difference(one + "/signatures/arrays", two + "/signatures/arrays", 15);
  BOOST_TEST(arrays < 1e-6, "signature arrays differ by " << arrays);
  const double d = json_difference(gbtest::read_json(one + "/signatures.json"), gbtest::read_json(two + "/signatures.json"), "");
  BOOST_TEST(d >= 0, "signatures.json: a count, pattern or name differs");
  BOOST_TEST(d < 1e-6, "signatures.json figures differ by " << d);
}

// Acceptance: linear probes trained on two ranks (each its shard of every minibatch, the
// gradients summed before a common Adam step) score as one process's: every accuracy within
// one input of the held-out (or fit) set, the pairwise ones within one input of a pair.
BOOST_AUTO_TEST_CASE(linear_probes_on_two_ranks_equal_one_process) {
  json e = analysis_experiment();
  e["signatures"] = {{"relevance", false}, {"plots", false}, {"batch_size", 16}, {"probe_batch_size", 10},
                     {"probe_epochs", 3}};
  const json a = gbtest::read_json(train(e, "probe-1", 0) + "/signatures.json");
  const json b = gbtest::read_json(train(e, "probe-2", 2) + "/signatures.json");
  const double heldout = a["heldout"]["count"].get<double>(), fit = a["samples"].get<double>();
  BOOST_TEST_REQUIRE(heldout > 50);
  BOOST_TEST_REQUIRE(a["layers"].size() == b["layers"].size());
  double worst = 0, best_train = 0;
  for (std::size_t p = 0; p < a["layers"].size(); ++p) {
    const json& x = a["layers"][p]["separability"];
    const json& y = b["layers"][p]["separability"];
    BOOST_TEST_REQUIRE(x.contains("probe_accuracy"));
    const double dh = std::fabs(x["probe_accuracy"].get<double>() - y["probe_accuracy"].get<double>());
    const double dt = std::fabs(x["probe_train_accuracy"].get<double>() - y["probe_train_accuracy"].get<double>());
    BOOST_TEST(dh <= 1 / heldout + 1e-12, "layer " << p << ": held-out accuracy differs by " << dh);
    BOOST_TEST(dt <= 1 / fit + 1e-12, "layer " << p << ": training accuracy differs by " << dt);
    for (std::size_t i = 0; i < x["probe_pair_accuracy"].size(); ++i)
      for (std::size_t j = 0; j < x["probe_pair_accuracy"].size(); ++j) {
        const double dp = std::fabs(x["probe_pair_accuracy"][i][j].get<double>() - y["probe_pair_accuracy"][i][j].get<double>());
        BOOST_TEST(dp <= 3 / heldout + 1e-12, "layer " << p << ": pair accuracy differs by " << dp);
        worst = std::max(worst, dp);
      }
    worst = std::max({worst, dh, dt});
    best_train = std::max(best_train, x["probe_train_accuracy"].get<double>());
  }
  BOOST_TEST_MESSAGE("linear probes, 2 ranks against 1: largest accuracy difference " << worst);
  BOOST_TEST(best_train > 0.5, "the probes learned: " << best_train);
  BOOST_TEST(a["linear_probes"]["fit_samples"] == b["linear_probes"]["fit_samples"]);
}

// Acceptance: the explain step on two ranks (each explains and perturbs its shard, rank 0
// gathers and writes) gives one process's files: every relevance .npy within 1e-5 of its
// scale, explanations.json and evaluation.json within 1e-5 (relative above 1, absolute
// below), the same file names. The second configuration leaves rank 1 without samples.
BOOST_AUTO_TEST_CASE(explanations_and_perturbation_on_two_ranks_equal_one_process) {
  const json configs[] = {
      {{"methods", {"lrp", "gradient_x_input"}}, {"samples", 7}, {"target", "all"},
       {"evaluation", {{"samples", 9}, {"steps", 12}, {"batch_size", 4}, {"seed", 5}}}},
      {{"methods", {"lrp"}}, {"samples", {5}}, {"evaluation", {{"samples", 1}, {"steps", 6}}}}};
  int config = 0;
  for (const json& section : configs) {
    json e = analysis_experiment();
    e["explain"] = section;
    const std::string name = "explain-" + std::to_string(++config);
    const std::string one = train(e, name + "-1", 0), two = train(e, name + "-2", 2);
    for (const auto& method : section["methods"]) {
      const std::string m = method.get<std::string>(), a = one + "/explain/" + m, b = two + "/explain/" + m;
      std::set<std::string> files_a, files_b;
      for (const auto& f : fs::directory_iterator(a)) files_a.insert(f.path().filename().string());
      for (const auto& f : fs::directory_iterator(b)) files_b.insert(f.path().filename().string());
      BOOST_TEST((files_a == files_b), name << " " << m << ": other files");
      const double rel = npy_difference(a, b, section["samples"].is_array() ? 1 : 21);
      BOOST_TEST(rel < 1e-5, name << " " << m << ": relevance differs by " << rel);
      const double d = json_difference(gbtest::read_json(a + "/explanations.json"), gbtest::read_json(b + "/explanations.json"), "", 1.0);
      BOOST_TEST(d >= 0, name << " " << m << ": explanations.json: a name, class or file differs");
      BOOST_TEST(d < 1e-5, name << " " << m << ": explanations.json figures differ by " << d);
      BOOST_TEST_MESSAGE(name << " " << m << ": relevance " << rel << ", explanations.json " << d);
    }
    const json ea = gbtest::read_json(one + "/explain/evaluation.json"), eb = gbtest::read_json(two + "/explain/evaluation.json");
    const double d = json_difference(ea, eb, "", 1.0);
    BOOST_TEST(d >= 0, name << ": evaluation.json: an image count or option differs");
    BOOST_TEST(d < 1e-5, name << ": evaluation.json figures differ by " << d);
    BOOST_TEST_MESSAGE(name << ": evaluation.json " << d);
    BOOST_TEST(ea["lrp"]["images"] == section["evaluation"]["samples"]);
    // summary.json: the same samples, methods and request (its seconds are a clock reading).
    BOOST_TEST(json_difference(gbtest::read_json(one + "/explain/summary.json"),
                               gbtest::read_json(two + "/explain/summary.json"), "") == 0);
  }
}
