#include "experiment_runner.h"
#include "explain_step.h"
#include "signatures_step.h"
#include "similarity_step.h"
#include "projection_step.h"
#include "concepts_step.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "glassbox/blas.h"
#include "glassbox/parallel.h"
#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "glassbox/experiment_resources.h"
#include "glassbox/folder_swap.h"
#include "glassbox/loss.h"
#include "glassbox/model_memory.h"
#include "glassbox/npy.h"

namespace glassbox::app {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

void stage(RunState& s, const std::string& name, const std::string& text = "") {
  if (s.options.on_stage) s.options.on_stage(name);
  if (s.options.log && !text.empty()) *s.options.log << text << "\n" << std::flush;
}

template <class V>
V train_value(const Experiment& e, const json& train, const std::string& key, const V& fallback) {
  try {
    return option<V>(train, key, fallback);
  } catch (const ConfigError& err) {
    throw ConfigError(e.source + ": train." + key + ": " + err.what());
  }
}

// Step 1: the data views of the experiment.
void load_data(RunState& s) {
  stage(s, "data");
  // The experiment's seed drives the data views (shuffles, limits, validation split)
  // unless the data section sets its own.
  json data = s.experiment.section("data");
  if (!data.contains("seed") && s.experiment.has("seed")) data["seed"] = s.experiment.seed();
  s.data = load_experiment_data(data, s.registry, s.experiment.source);
  if (s.options.log)
    *s.options.log << "data: " << s.data.dataset << ", " << s.data.train.size() << " train / "
                   << s.data.validation.size() << " validation / " << s.data.test.size() << " test samples of shape "
                   << shape_to_string(s.data.train.sample_shape()) << ", " << s.data.train.num_classes() << " classes\n";
}

// Step 2: the model from model.layers, built for the data's sample shape, compiled.
void build_model(RunState& s, const json& train) {
  stage(s, "model");
  const Experiment& e = s.experiment;
  const json& model = e.section("model");
  build_experiment_model(e, s.model, s.data.train.sample_shape());
  check_training_memory(s.model, train_value<std::size_t>(e, train, "batch_size", 32), e.source);
  const std::string loss = model.value("loss", std::string("sparse_categorical_crossentropy"));
  if (!is_known_loss(loss)) {
    std::string known;
    for (const auto& n : loss_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError(e.source + ": model.loss: unknown loss '" + loss + "' (known: " + known + ")");
  }
  std::vector<std::string> metrics = {"accuracy"};
  if (model.contains("metrics")) metrics = model["metrics"].get<std::vector<std::string>>();
  try {
    s.model.compile(train["optimizer"], loss, metrics);
  } catch (const ConfigError& err) {
    throw ConfigError(e.source + ": train." + err.what());
  }
  const std::string summary = s.model.summary();
  if (s.options.log) *s.options.log << summary << std::flush;
}

// A diverged run fails (exit 1) before anything is saved: a model of NaN weights would
// overwrite nothing useful and predict nothing. Checked on the loss history (the
// terminate_on_nan stop reason) and on the parameters themselves, which also catches a
// run with terminate_on_nan off.
void check_finite_training(RunState& s) {
  const History& h = s.result.history;
  const bool nan_stop = h.stopped_early && h.stop_reason.find(": loss is ") != std::string::npos;
  bool finite_loss = true;
  for (const auto& ep : h.epochs) finite_loss = finite_loss && std::isfinite(ep.loss);
  if (nan_stop || !finite_loss)
    throw Error(s.experiment.source + ": training diverged: " +
                (nan_stop ? h.stop_reason : "the loss is not finite (try a lower learning_rate or clip_norm)") +
                "; no model saved");
  for (const auto& p : s.model.params()) {
    const float* v = p.value->data();
    for (std::size_t i = 0; i < p.value->size(); ++i)
      if (!std::isfinite(v[i]))
        throw Error(s.experiment.source + ": training diverged: parameter '" + p.name + "' holds non-finite values"
                    " (the learning rate " + json(s.model.optimizer()->learning_rate()).dump() +
                    " may be too large); no model saved");
  }
}

// Step 3: fit with the train settings and callbacks.
void train_model(RunState& s, const json& train) {
  const Experiment& e = s.experiment;
  const int epochs = train_value<int>(e, train, "epochs", 5);
  const std::size_t batch_size = train_value<std::size_t>(e, train, "batch_size", 32);
  if (epochs < 0) throw ConfigError(e.source + ": train.epochs must be >= 0, got " + std::to_string(epochs));
  if (batch_size == 0) throw ConfigError(e.source + ": train.batch_size must be > 0");
  stage(s, "train", "training: " + std::to_string(epochs) + " epochs, batch size " + std::to_string(batch_size) +
                        ", optimizer " + s.model.optimizer()->config().dump());
  FitOptions fit;
  fit.epochs(epochs).batch_size(batch_size).shuffle(train_value<bool>(e, train, "shuffle", true));
  fit.verbose(s.options.verbose);
  const double split = train_value<double>(e, train, "validation_split", 0.0);
  if (s.data.validation.size() > 0) {
    if (split > 0)
      throw ConfigError(e.source + ": both data.validation_split and train.validation_split are set; keep one");
    fit.validation_data(s.data.validation);
  } else {
    fit.validation_split(split);
  }
  for (auto& c : callbacks_from_config(train, s.model.optimizer()->learning_rate(), s.out_dir, e.source))
    fit.callback(c);
  if (s.options.on_batch || s.options.on_epoch) {
    auto progress = std::make_shared<LambdaCallback>();
    if (s.options.on_batch) progress->batch_end = [&s](MyDeepLearning&, const BatchLog& l) { s.options.on_batch(l); };
    if (s.options.on_epoch) progress->epoch_end = [&s](MyDeepLearning&, const EpochLog& l) { s.options.on_epoch(l); };
    fit.callback(progress);
  }
  if (s.options.cancel) fit.cancel(s.options.cancel);
  fit.replicas(s.options.replicas);
  s.result.history = s.model.fit(s.data.train, fit);
  s.result.cancelled = s.options.cancel && s.options.cancel->load();
  check_finite_training(s);
  if (s.options.log && s.result.history.stopped_early && !s.result.cancelled)
    *s.options.log << "stopped: " << s.result.history.stop_reason << "\n";
}

// Step 4: test figures.
void evaluate_model(RunState& s) {
  stage(s, "evaluate");
  if (s.data.test.size() == 0) throw DataError(s.experiment.source + ": the test set is empty");
  s.result.test = s.model.evaluate(s.data.test);
}

json metrics_json(const RunState& s, double seconds) {
  const History& h = s.result.history;
  json epochs = h.to_json()["epochs"];
  for (auto& ep : epochs) ep.erase("learning_rate");  // kept in history below
  json m = {{"test_accuracy", s.result.test.accuracy},
            {"test_loss", s.result.test.loss},
            {"epochs", epochs},
            {"confusion_matrix", s.result.test.confusion},
            {"class_names", s.data.test.class_names()},
            {"classes", s.data.classes},
            {"dataset", s.data.dataset},
            {"train_samples", s.data.train.size()},
            {"validation_samples", s.data.validation.size()},
            {"test_samples", s.data.test.size()},
            {"params", s.model.param_count()},
            {"stopped_early", h.stopped_early && !s.result.cancelled},
            {"stop_reason", h.stop_reason},
            {"cancelled", s.result.cancelled},
            {"learning_rates", json::array()},
            {"seconds_total", seconds}};
  for (const auto& ep : h.epochs) m["learning_rates"].push_back(ep.learning_rate);
  return m;
}

// An existing --out folder is replaced whole by a staged run: refuse one that holds
// anything other than a (possibly unfinished) glassbox results folder.
void check_replaceable_results_folder(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) throw ConfigError(dir + ": the results folder exists and is not a folder");
  if (fs::is_empty(dir, ec)) return;
  for (const char* f : {"config.json", "metrics.json", kIncompleteMarker})
    if (fs::exists(fs::path(dir) / f, ec)) return;
  throw ConfigError(dir + ": exists and is not a glassbox results folder (no config.json); not replacing it "
                    "(choose another --out)");
}

// Starts "<dir>.tmp" afresh, marked as incomplete until finish_staged_folder.
std::string start_staged_folder(const std::string& dir) {
  const std::string target = folder_path(dir);
  if (is_temporary_name(fs::path(target).filename().string()))
    throw ConfigError(dir + ": a results folder name must not end in '.tmp' (names of unfinished runs)");
  check_replaceable_results_folder(target);
  const std::string staged = staging_folder(target);
  std::error_code ec;
  fs::remove_all(staged, ec);
  fs::create_directories(staged, ec);
  if (ec) throw Error(staged + ": cannot create the results folder (" + ec.message() + ")");
  write_file_atomic((fs::path(staged) / kIncompleteMarker).string(), "a glassbox run is writing this folder\n");
  return staged;
}

// The marker goes before the swap; the ".tmp" name still marks the folder until then.
void finish_staged_folder(const std::string& staged, const std::string& target) {
  std::error_code ec;
  fs::remove(fs::path(staged) / kIncompleteMarker, ec);
  if (ec) throw Error(staged + ": cannot remove " + kIncompleteMarker + " (" + ec.message() + ")");
  fsync_tree(staged);
  swap_folder_into_place(staged, target);
}

std::string timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  std::ostringstream o;
  o << std::put_time(&tm, "%Y%m%d-%H%M%S");
  return o.str();
}

}  // namespace

std::string default_out_dir(const Experiment& e) {
  std::string name = e.name();
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) c = '_';
  const std::string base = (fs::path("runs") / (name + "-" + timestamp())).string();
  std::string dir = base;
  for (int i = 2; fs::exists(dir); ++i) dir = base + "-" + std::to_string(i);
  return dir;
}

json effective_train_section(const Experiment& e) {
  json train = e.section("train");
  if (!train.is_object()) throw ConfigError(e.source + ": 'train' must be an object");
  if (!train.contains("epochs")) train["epochs"] = 5;
  if (!train.contains("batch_size")) train["batch_size"] = 32;
  if (!train.contains("shuffle")) train["shuffle"] = true;
  if (!train.contains("validation_split")) train["validation_split"] = 0.0;
  json opt = train.contains("optimizer") ? train["optimizer"] : json{{"type", "adam"}};
  if (opt.is_string()) opt = json{{"type", opt}};
  if (!opt.is_object()) throw ConfigError(e.source + ": train.optimizer must be a name or an object, got " + opt.dump());
  // train-level gradient settings apply to the optimizer unless it sets them itself.
  for (const char* key : {"clip_norm", "clip_value", "weight_decay"})
    if (train.contains(key) && !opt.contains(key)) opt[key] = train[key];
  train["optimizer"] = opt;
  return train;
}

namespace {

// Bad configuration fails here, before any data is loaded or anything is written.
void check_analysis_sections(const Experiment& e) {
  if (e.has("explain")) check_explain_section(e);
  if (e.has("signatures")) check_signatures_section(e);
  if (e.has("similarity")) check_similarity_section(e);
  if (e.has("projection")) check_projection_section(e);
  if (e.has("concepts")) check_concepts_section(e);
}

// The steps after training. Each sees the trained model, the data views and the results
// so far, and writes into s.out_dir (metrics.json is written after them, so they may add
// figures).
void run_analysis_steps(RunState& s) {
  const Experiment& e = s.experiment;
  if (e.has("explain")) run_explain_step(s);        // LRP, baselines, perturbation (explain_step.h)
  if (e.has("signatures")) run_signatures_step(s);  // activation signatures (signatures_step.h)
  if (e.has("similarity")) run_similarity_step(s);  // linear CKA between layers (similarity_step.h)
  if (e.has("projection")) run_projection_step(s);  // PCA per layer, unseen projected (projection_step.h)
  if (e.has("concepts")) run_concepts_step(s);      // concept relevance propagation (concepts_step.h)
}

// s.out_dir becomes the folder the run writes into: a staging folder next to the final one
// (staged), or the final one itself.
void open_results_folder(RunState& s, bool staged) {
  if (staged) {
    s.out_dir = start_staged_folder(s.out_dir);
    return;
  }
  std::error_code ec;
  fs::create_directories(s.out_dir, ec);
  if (ec) throw Error(s.out_dir + ": cannot create the results folder (" + ec.message() + ")");
}

void write_summary(RunState& s) {  // summary() is not const
  std::ostringstream o;
  o << s.model.summary() << "\n"
    << std::fixed << std::setprecision(4) << "test accuracy: " << s.result.test.accuracy
    << "\ntest loss: " << s.result.test.loss << "\nepochs trained: " << s.result.history.epochs.size() << "\n";
  if (s.result.history.stopped_early) o << "stopped: " << s.result.history.stop_reason << "\n";
  write_file_atomic((fs::path(s.out_dir) / "summary.txt").string(), o.str());
}

}  // namespace

RunResult run_experiment(const Experiment& e, Registry& registry, const RunOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const json train = effective_train_section(e);
  if (train.contains("threads")) {
    const int threads = train_value<int>(e, train, "threads", 0);
    if (threads < 1) throw ConfigError(e.source + ": train.threads must be >= 1");
    set_compute_threads(threads);
  }
  RunState s{e, registry, options, options.out_dir.empty() ? default_out_dir(e) : options.out_dir, e.config, {},
             MyDeepLearning(registry, e.seed()), {}};
  s.effective["train"] = train;
  s.effective["seed"] = e.seed();
  s.effective["name"] = e.name();
  if (!s.effective.contains("model") || !s.effective["model"].contains("loss"))
    s.effective["model"]["loss"] = "sparse_categorical_crossentropy";
  check_analysis_sections(e);
  load_data(s);
  build_model(s, train);
  const std::string final_dir = s.out_dir;
  s.result.out_dir = final_dir;
  open_results_folder(s, options.staged);
  write_file_atomic((fs::path(s.out_dir) / "config.json").string(), s.effective.dump(2) + "\n");
  train_model(s, train);
  evaluate_model(s);
  stage(s, "save");
  s.model.save((fs::path(s.out_dir) / "model").string());
  run_analysis_steps(s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s.result.metrics = metrics_json(s, seconds);
  write_file_atomic((fs::path(s.out_dir) / "metrics.json").string(), s.result.metrics.dump(2) + "\n");
  write_summary(s);
  if (options.staged) finish_staged_folder(s.out_dir, folder_path(final_dir));
  stage(s, "done");
  return s.result;
}

}  // namespace glassbox::app
