// Callbacks: early stopping on scripted curves, schedule values, logging, config errors.
#define BOOST_TEST_MODULE callbacks
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "model_fixture.h"

using namespace glassbox;
using namespace glassbox::testing;
using nlohmann::json;
namespace tt = boost::test_tools;

namespace {

MyDeepLearning tiny() {
  MyDeepLearning m(model_registry(), 1);
  m.add({{"type", "dense"}, {"units", 2}});
  m.build({3});
  m.compile({{"type", "sgd"}, {"learning_rate", 0.1}}, "sparse_categorical_crossentropy");
  return m;
}

EpochLog epoch(int e, double val_loss, double loss = 1.0) {
  EpochLog l;
  l.epoch = e;
  l.loss = loss;
  l.val_loss = val_loss;
  l.has_validation = true;
  return l;
}

// Feeds a scripted validation-loss curve; returns the epoch after which training stopped (0: never).
int run_curve(EarlyStopping& es, MyDeepLearning& m, const std::vector<double>& curve) {
  es.on_train_begin(m, TrainBegin{static_cast<int>(curve.size()), 1, 10, 10, 1});
  for (std::size_t i = 0; i < curve.size(); ++i) {
    es.on_epoch_end(m, epoch(static_cast<int>(i) + 1, curve[i]));
    if (m.stop_requested()) return static_cast<int>(i) + 1;
  }
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(early_stopping_stops_at_the_right_epoch) {
  // patience 2, min_delta 0.05: epoch 2 improves (0.8 < 1.0 - 0.05); 0.79 and 0.85 do not
  // beat 0.8 by 0.05 -> the second non-improving epoch (4) stops.
  MyDeepLearning m = tiny();
  EarlyStopping es({"val_loss", 2, 0.05, false});
  BOOST_TEST(run_curve(es, m, {1.0, 0.8, 0.79, 0.85, 0.9, 0.5}) == 4);
  BOOST_TEST(es.best_epoch() == 2);
  BOOST_TEST(es.best() == 0.8);
  BOOST_TEST(es.stopped_epoch() == 4);
}

BOOST_AUTO_TEST_CASE(early_stopping_waits_while_improving) {
  MyDeepLearning m = tiny();
  EarlyStopping es({"val_loss", 1, 0.0, false});
  BOOST_TEST(run_curve(es, m, {1.0, 0.9, 0.8, 0.7}) == 0);
  MyDeepLearning m2 = tiny();
  EarlyStopping acc({"val_accuracy", 0, 0.0, false});  // patience 0: first non-improvement stops
  acc.on_train_begin(m2, TrainBegin{3, 1, 10, 10, 1});
  EpochLog a = epoch(1, 0), b = epoch(2, 0);
  a.val_accuracy = 0.5, b.val_accuracy = 0.5;
  acc.on_epoch_end(m2, a);
  BOOST_TEST(!m2.stop_requested());
  acc.on_epoch_end(m2, b);
  BOOST_TEST(m2.stop_requested());
}

BOOST_AUTO_TEST_CASE(early_stopping_restores_best_weights) {
  MyDeepLearning m = tiny();
  EarlyStopping es({"val_loss", 1, 0.0, true});
  es.on_train_begin(m, TrainBegin{3, 1, 10, 10, 1});
  auto set_all = [&](float v) {
    for (auto& p : m.params()) p.value->fill(v);
  };
  set_all(1.0f);
  es.on_epoch_end(m, epoch(1, 0.5));  // best, weights = 1
  set_all(2.0f);
  es.on_epoch_end(m, epoch(2, 0.7));  // worse -> stop
  BOOST_TEST(m.stop_requested());
  es.on_train_end(m, History{});
  BOOST_TEST((*m.params()[0].value)(0, 0) == 1.0f);
}

BOOST_AUTO_TEST_CASE(early_stopping_inside_fit) {
  // A learning rate of 1e-12 keeps the loss flat: nothing beats epoch 1 by min_delta, so with
  // patience 1 fit stops after epoch 2.
  LabeledData data = blobs(64, 3, 2, 1);
  MyDeepLearning m(model_registry(), 1);
  m.add({{"type", "dense"}, {"units", 2}});
  m.compile({{"type", "sgd"}, {"learning_rate", 1e-12}}, "sparse_categorical_crossentropy");
  auto es = std::make_shared<EarlyStopping>(EarlyStoppingOptions{"loss", 1, 1e-3, false});
  History h = m.fit(data, FitOptions().epochs(10).batch_size(16).verbose(0).callback(es));
  BOOST_TEST(h.epochs.size() == 2u);
  BOOST_TEST(h.stopped_early);
  BOOST_TEST(h.stop_reason.find("early stopping") != std::string::npos);
  // Monitoring a validation figure without validation data is an error, not a silent no-op.
  auto val = std::make_shared<EarlyStopping>(EarlyStoppingOptions{"val_loss", 1, 0, false});
  BOOST_CHECK_THROW(m.fit(data, FitOptions().epochs(1).verbose(0).callback(val)), ConfigError);
}

BOOST_AUTO_TEST_CASE(learning_rate_schedules) {
  StepDecay step(0.1, 0.5, 2);
  BOOST_TEST(step.rate(1) == 0.1, tt::tolerance(1e-12));
  BOOST_TEST(step.rate(2) == 0.1, tt::tolerance(1e-12));
  BOOST_TEST(step.rate(3) == 0.05, tt::tolerance(1e-12));
  BOOST_TEST(step.rate(5) == 0.025, tt::tolerance(1e-12));
  ExponentialDecay exp(0.1, 0.9);
  BOOST_TEST(exp.rate(1) == 0.1, tt::tolerance(1e-12));
  BOOST_TEST(exp.rate(3) == 0.081, tt::tolerance(1e-12));
  ExponentialDecay slow(0.1, 0.5, 2);
  BOOST_TEST(slow.rate(3) == 0.05, tt::tolerance(1e-12));
  // The schedule drives the optimizer inside fit: epoch 3's rate is logged.
  LabeledData data = blobs(32, 3, 2, 2);
  MyDeepLearning m = tiny();
  History h = m.fit(data, FitOptions().epochs(3).verbose(0).callback(std::make_shared<StepDecay>(0.1, 0.5, 1)));
  BOOST_TEST(h.epochs[2].learning_rate == 0.025, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(reduce_on_plateau_cuts_the_rate_after_patience) {
  MyDeepLearning m = tiny();  // lr 0.1
  ReduceLROnPlateau r({"val_loss", 0.5, 2, 0.0, 0, 0.02});
  r.on_train_begin(m, TrainBegin{6, 1, 10, 10, 1});
  const std::vector<double> curve = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  std::vector<float> rates;
  for (std::size_t i = 0; i < curve.size(); ++i) {
    r.on_epoch_end(m, epoch(static_cast<int>(i) + 1, curve[i]));
    rates.push_back(m.optimizer()->learning_rate());
  }
  // Epoch 1 sets the best; epochs 2-3 wait -> cut at 3 (0.05); 4-5 -> cut at 5 (0.025);
  // 6-7 -> 0.0125 is below min_lr 0.02, so 0.02.
  BOOST_TEST(rates[1] == 0.1f, tt::tolerance(1e-6f));
  BOOST_TEST(rates[2] == 0.05f, tt::tolerance(1e-6f));
  BOOST_TEST(rates[4] == 0.025f, tt::tolerance(1e-6f));
  BOOST_TEST(rates[6] == 0.02f, tt::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(csv_logger_and_progress_lines) {
  const auto path = std::filesystem::temp_directory_path() / ("glassbox-csv-" + std::to_string(::getpid()) + ".csv");
  LabeledData data = blobs(40, 3, 2, 3);
  MyDeepLearning m = tiny();
  std::ostringstream out;
  auto csv = std::make_shared<CSVLogger>(path.string());
  auto bar = std::make_shared<ProgressBar>(1, out, false);  // not a terminal: one line per epoch
  m.fit(data, FitOptions().epochs(2).verbose(0).validation_split(0.25).callback(csv).callback(bar));
  std::ifstream f(path);
  std::string header, row1, row2, extra;
  std::getline(f, header), std::getline(f, row1), std::getline(f, row2);
  BOOST_TEST(header == "epoch,loss,accuracy,val_loss,val_accuracy,seconds,learning_rate");
  BOOST_TEST(row1.rfind("1,", 0) == 0);
  BOOST_TEST(row2.rfind("2,", 0) == 0);
  BOOST_TEST(!std::getline(f, extra));
  std::filesystem::remove(path);
  const std::string text = out.str();
  BOOST_TEST(std::count(text.begin(), text.end(), '\n') == 2);
  BOOST_TEST(text.find("Epoch 2/2") != std::string::npos);
  BOOST_TEST(text.find("val_accuracy") != std::string::npos);
  BOOST_TEST(text.find('\r') == std::string::npos);
  std::ostringstream silent;
  ProgressBar zero(0, silent, true);
  zero.on_epoch_end(m, epoch(1, 0.5));
  BOOST_TEST(silent.str().empty());
}

BOOST_AUTO_TEST_CASE(terminate_on_nan_stops_training) {
  MyDeepLearning m = tiny();
  TerminateOnNaN t;
  t.on_batch_end(m, BatchLog{1, 1, 5, 0.5, 0.5, 0});
  BOOST_TEST(!m.stop_requested());
  t.on_batch_end(m, BatchLog{1, 2, 5, std::nan(""), 0.5, 0});
  BOOST_TEST(m.stop_requested());
}

BOOST_AUTO_TEST_CASE(callbacks_from_config_names_bad_keys) {
  auto cbs = callbacks_from_config(json::parse(R"({"early_stopping": {"patience": 3}, "lr_schedule": {"type": "step", "factor": 0.5, "step_size": 2}})"),
                                   0.01, "", "exp.json");
  BOOST_TEST(cbs.size() == 3u);  // schedule, early stopping, terminate_on_nan (default)
  BOOST_CHECK_EXCEPTION(callbacks_from_config(json::parse(R"({"early_stopping": {"patiense": 3}})"), 0.01, "", "exp.json"),
                        ConfigError, [](const ConfigError& e) {
                          const std::string w = e.what();
                          return w.find("exp.json: train.early_stopping") != std::string::npos &&
                                 w.find("patiense") != std::string::npos;
                        });
  BOOST_CHECK_EXCEPTION(callbacks_from_config(json::parse(R"({"lr_schedule": {"type": "cosine"}})"), 0.01, "", "exp.json"),
                        ConfigError, [](const ConfigError& e) { return std::string(e.what()).find("cosine") != std::string::npos; });
  BOOST_CHECK_THROW(callbacks_from_config(json::parse(R"({"early_stopping": {"monitor": "val_acc"}})"), 0.01, "", "x"),
                    ConfigError);
}

BOOST_AUTO_TEST_CASE(csv_log_through_a_symlink_out_of_the_results_folder_is_refused) {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("glassbox-csvlog-" + std::to_string(::getpid()));
  fs::create_directories(root / "results");
  fs::create_directories(root / "elsewhere");
  fs::create_symlink(root / "elsewhere", root / "results" / "logs");
  const json train = json::parse(R"({"csv_log": "logs/training.csv"})");
  BOOST_CHECK_EXCEPTION(callbacks_from_config(train, 0.01, (root / "results").string(), "exp.json"), ConfigError,
                        [](const ConfigError& e) {
                          return std::string(e.what()).find("exp.json: train.csv_log: must be a file name inside the "
                                                            "results folder, got 'logs/training.csv' (a symbolic link "
                                                            "leads out of it)") == 0;
                        });
  BOOST_CHECK_THROW(callbacks_from_config(json::parse(R"({"csv_log": "/tmp/victim.txt"})"), 0.01,
                                          (root / "results").string(), "exp.json"),
                    ConfigError);
  // A plain sub-folder name is fine.
  BOOST_TEST(callbacks_from_config(json::parse(R"({"csv_log": "sub/training.csv"})"), 0.01,
                                   (root / "results").string(), "exp.json").size() == 2u);
  fs::remove_all(root);
}
