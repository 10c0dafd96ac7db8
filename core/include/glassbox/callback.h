#pragma once
// Callbacks watch and steer MyDeepLearning::fit, as in Keras. The order of calls:
//   on_train_begin, then per epoch: on_epoch_begin, on_batch_end (every batch),
//   on_epoch_end (after validation), and finally on_train_end.
// A callback stops training with model.stop_training(reason): fit finishes the current
// batch, skips validation of an unfinished epoch, and returns. Callbacks run in the
// order given; the progress bar (verbose) runs last so it prints what others changed.
#include <atomic>
#include <chrono>
#include <functional>
#include <iosfwd>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/model.h"

namespace glassbox {

// What fit knows before the first batch.
struct TrainBegin {
  int epochs = 0;
  std::size_t batches_per_epoch = 0;
  std::size_t samples = 0;             // training samples per epoch
  std::size_t validation_samples = 0;  // 0 without validation
  std::size_t batch_size = 0;
};

class Callback {
 public:
  virtual ~Callback() = default;
  virtual void on_train_begin(MyDeepLearning& model, const TrainBegin& info) {}
  virtual void on_epoch_begin(MyDeepLearning& model, int epoch) {}
  virtual void on_batch_end(MyDeepLearning& model, const BatchLog& log) {}
  virtual void on_epoch_end(MyDeepLearning& model, const EpochLog& log) {}
  virtual void on_train_end(MyDeepLearning& model, const History& history) {}
};

// The figure a callback watches: "loss", "accuracy", "val_loss", "val_accuracy".
// Throws ConfigError for other names.
double monitored_value(const EpochLog& log, const std::string& monitor);
void check_monitor(const std::string& monitor, const std::string& where);
// Accuracy-like figures improve upwards, losses downwards.
bool higher_is_better(const std::string& monitor);

// Stops when `monitor` has not improved by more than min_delta for `patience` epochs.
struct EarlyStoppingOptions {
  std::string monitor = "val_loss";
  int patience = 0;
  double min_delta = 0;
  bool restore_best_weights = false;
};
class EarlyStopping : public Callback {
 public:
  explicit EarlyStopping(EarlyStoppingOptions options = {});
  void on_train_begin(MyDeepLearning& model, const TrainBegin& info) override;
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override;
  void on_train_end(MyDeepLearning& model, const History& history) override;
  int stopped_epoch() const { return stopped_epoch_; }  // 0 when it did not stop
  int best_epoch() const { return best_epoch_; }
  double best() const { return best_; }

 private:
  EarlyStoppingOptions o_;
  double best_ = 0;
  int best_epoch_ = 0, wait_ = 0, stopped_epoch_ = 0, last_epoch_ = 0;
  std::vector<Tensor> best_weights_;
};

// Saves the model folder after an epoch (every epoch, or only when `monitor` improved).
// `path` may hold "{epoch}", replaced by the epoch number.
struct ModelCheckpointOptions {
  std::string path;
  std::string monitor = "val_loss";
  bool save_best_only = false;
};
class ModelCheckpoint : public Callback {
 public:
  explicit ModelCheckpoint(ModelCheckpointOptions options);
  void on_train_begin(MyDeepLearning& model, const TrainBegin& info) override;
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override;
  int saved_epoch() const { return saved_epoch_; }  // the last epoch written, 0 for none

 private:
  ModelCheckpointOptions o_;
  double best_ = 0;
  bool has_best_ = false;
  int saved_epoch_ = 0;
};

// Learning-rate schedules set the optimizer's rate at the start of each epoch.
// lr(epoch) = initial * factor ^ floor((epoch - 1) / step_size)
class StepDecay : public Callback {
 public:
  StepDecay(double initial, double factor, int step_size);
  void on_epoch_begin(MyDeepLearning& model, int epoch) override;
  double rate(int epoch) const;

 private:
  double initial_, factor_;
  int step_size_;
};

// lr(epoch) = initial * decay_rate ^ ((epoch - 1) / decay_epochs)
class ExponentialDecay : public Callback {
 public:
  ExponentialDecay(double initial, double decay_rate, double decay_epochs = 1);
  void on_epoch_begin(MyDeepLearning& model, int epoch) override;
  double rate(int epoch) const;

 private:
  double initial_, decay_rate_, decay_epochs_;
};

// Multiplies the rate by `factor` when `monitor` has not improved for `patience` epochs.
struct ReduceLROnPlateauOptions {
  std::string monitor = "val_loss";
  double factor = 0.1;
  int patience = 10;
  double min_delta = 1e-4;
  int cooldown = 0;
  double min_lr = 0;
};
class ReduceLROnPlateau : public Callback {
 public:
  explicit ReduceLROnPlateau(ReduceLROnPlateauOptions options = {});
  void on_train_begin(MyDeepLearning& model, const TrainBegin& info) override;
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override;

 private:
  ReduceLROnPlateauOptions o_;
  double best_ = 0;
  bool has_best_ = false;
  int wait_ = 0, cooldown_left_ = 0;
};

// One CSV row per epoch: epoch,loss,accuracy,val_loss,val_accuracy,seconds,learning_rate
// (empty val_* without validation). Rewrites the file at train begin; flushes every row.
class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::string path);
  ~CSVLogger() override;
  void on_train_begin(MyDeepLearning& model, const TrainBegin& info) override;
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override;
  void on_train_end(MyDeepLearning& model, const History& history) override;

 private:
  std::string path_;
  struct File;
  std::unique_ptr<File> file_;
};

// Stops as soon as a batch loss is NaN or infinite.
class TerminateOnNaN : public Callback {
 public:
  void on_batch_end(MyDeepLearning& model, const BatchLog& log) override;
};

// Keras-style progress. verbose 1 on a terminal: a bar redrawn at most ~10 times a second
// (batches, loss, accuracy, ETA) and a final line per epoch; verbose 2, or 1 when `out`
// is not a terminal: one line per epoch; verbose 0: nothing.
class ProgressBar : public Callback {
 public:
  ProgressBar(int verbose, std::ostream& out, bool is_terminal);
  // Writes to stdout, a terminal when isatty(stdout).
  explicit ProgressBar(int verbose);
  void on_train_begin(MyDeepLearning& model, const TrainBegin& info) override;
  void on_epoch_begin(MyDeepLearning& model, int epoch) override;
  void on_batch_end(MyDeepLearning& model, const BatchLog& log) override;
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override;

 private:
  int verbose_;
  std::ostream& out_;
  bool tty_;
  TrainBegin info_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drew_ = false;
};

// Calls functions (for progress streams: the web page's server-sent events, the runner).
struct LambdaCallback : public Callback {
  std::function<void(MyDeepLearning&, const BatchLog&)> batch_end;
  std::function<void(MyDeepLearning&, const EpochLog&)> epoch_end;
  void on_batch_end(MyDeepLearning& model, const BatchLog& log) override {
    if (batch_end) batch_end(model, log);
  }
  void on_epoch_end(MyDeepLearning& model, const EpochLog& log) override {
    if (epoch_end) epoch_end(model, log);
  }
};

// Callbacks from an experiment's "train" section:
//   "early_stopping": {"monitor", "patience", "min_delta", "restore_best_weights"} | true
//   "lr_schedule": {"type": "step", "factor", "step_size"} | {"type": "exponential",
//                  "decay_rate", "decay_epochs"} | {"type": "reduce_on_plateau", "monitor",
//                  "factor", "patience", "min_delta", "cooldown", "min_lr"}
//   "checkpoint": {"monitor", "save_best_only"} | true   (writes <results>/checkpoint)
//   "csv_log": true | "file.csv"                          (relative to the results folder)
//   "terminate_on_nan": true (default)
// `initial_lr` is the optimizer's rate; `results_dir` "" disables file-writing callbacks.
// Errors name `source` and the key path ("exp.json: train.early_stopping.patience: ...").
std::vector<std::shared_ptr<Callback>> callbacks_from_config(const nlohmann::json& train,
                                                             double initial_lr,
                                                             const std::string& results_dir,
                                                             const std::string& source);

}  // namespace glassbox
