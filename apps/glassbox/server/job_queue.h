#pragma once
// The training queue: one job runs at a time on a worker thread, the others wait in
// order. A job is an experiment config plus its results folder; the queue reports state
// changes and (throttled) progress to the EventHub, keeps each job's curve so a page
// opened mid-run can draw it, and turns any exception from a job into a failed job.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "event_hub.h"
#include "glassbox/model.h"

namespace glassbox::server {

enum class JobState { queued, running, done, failed, cancelled };
const char* to_string(JobState s);

// What a running job reports; implemented by the queue.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void on_stage(const std::string& stage) = 0;  // "loading data", "training", ...
  virtual void on_batch(const BatchLog& log) = 0;       // called for every batch: must be cheap
  virtual void on_epoch(const EpochLog& log) = 0;
};

struct JobContext {
  std::string id;
  nlohmann::json config;    // the validated experiment
  std::string out_dir;      // the run's results folder
  std::atomic<bool>* cancel;
  ProgressSink* progress;
};

// Runs one job to the end; throws on failure. Returning with *cancel set means cancelled.
using JobRunner = std::function<void(JobContext&)>;

struct QueueLimits {
  std::size_t max_waiting = 16;                           // more queued jobs get 503
  std::chrono::milliseconds batch_interval{250};          // at most 4 batch events per second
  std::size_t max_curve_points = 1024;                    // per job, thinned when exceeded
};

class JobQueue {
 public:
  JobQueue(EventHub& hub, JobRunner runner, QueueLimits limits = {});
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Queues a job; false when too many are waiting.
  bool submit(const std::string& id, const nlohmann::json& config, const std::string& out_dir);
  enum class CancelResult { unknown, cancelled, already_finished };
  CancelResult cancel(const std::string& id);

  bool has(const std::string& id) const;
  // {id, name, state, error, created, started, finished, progress, epochs, curve, position}
  nlohmann::json snapshot(const std::string& id, bool with_curve = true) const;
  nlohmann::json list() const;  // every job, without curves
  // The experiment a job was submitted with; null for an unknown job. (The run folder's
  // config.json is written only once the job has loaded its data.)
  nlohmann::json submitted_config(const std::string& id) const;
  // Asks the running job to cancel, drops the waiting ones and refuses new ones; does
  // not wait (callable from a signal-watching thread).
  void stop_soon();
  // stop_soon(), then waits for the worker to finish.
  void shutdown();

 private:
  struct Job;
  class Reporter;
  void work();
  void set_state(Job& job, JobState state, const std::string& error = "");
  void write_status(const Job& job, JobState state, const std::string& error, double started, double finished) const;
  nlohmann::json describe(const Job& job, bool with_curve) const;  // mutex_ held

  EventHub& hub_;
  JobRunner runner_;
  QueueLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<Job>> jobs_;
  std::deque<std::shared_ptr<Job>> waiting_;
  std::vector<std::string> order_;  // submission order, for list()
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace glassbox::server
