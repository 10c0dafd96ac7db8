#include "job_queue.h"

#include <array>
#include <cmath>
#include <filesystem>

#include "glassbox/npy.h"

namespace glassbox::server {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// NaN and infinities are not JSON; the page reads null as "no value".
json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

}  // namespace

const char* to_string(JobState s) {
  switch (s) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::done: return "done";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "unknown";
}

struct JobQueue::Job {
  std::string id, name, out_dir;
  json config;
  int epochs_planned = 1;
  JobState state = JobState::queued;
  std::string error, stage;
  double created = 0, started = 0, finished = 0;
  std::atomic<bool> cancel{false};
  // Progress, guarded by the queue's mutex.
  json progress = json::object();
  json epochs = json::array();
  std::vector<std::array<double, 3>> curve;  // {epoch position, loss, accuracy}
  std::size_t curve_stride = 1, curve_skipped = 0;
};

// Receives every batch from the training thread; publishes at most one batch event per
// interval, so the cost per batch is one clock read and a compare.
class JobQueue::Reporter : public ProgressSink {
 public:
  Reporter(JobQueue& q, Job& job) : q_(q), job_(job), start_(Clock::now()) {}

  void on_stage(const std::string& stage) override {
    json ev;
    {
      std::lock_guard<std::mutex> lock(q_.mutex_);
      job_.stage = stage;
      ev = {{"id", job_.id}, {"stage", stage}};
    }
    q_.hub_.publish("stage", ev);
  }

  void on_batch(const BatchLog& log) override {
    auto now = Clock::now();
    bool last = log.batch == log.batches;
    if (!last && now - last_sent_ < q_.limits_.batch_interval) return;
    last_sent_ = now;
    if (!training_started_) training_started_ = true, train_start_ = now - std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(log.seconds));
    double elapsed = std::chrono::duration<double>(now - train_start_).count();
    double per_epoch = log.batches ? double(log.batch) / double(log.batches) : 0.0;
    double done = (log.epoch - 1 + per_epoch) / std::max(1, job_.epochs_planned);
    double eta = done > 0 ? elapsed * (1.0 - done) / done : NAN;
    json p = {{"epoch", log.epoch},       {"epochs", job_.epochs_planned}, {"batch", log.batch},
              {"batches", log.batches},   {"loss", number(log.loss)},      {"accuracy", number(log.accuracy)},
              {"fraction", number(done)}, {"elapsed", elapsed},            {"eta", number(eta)}};
    {
      std::lock_guard<std::mutex> lock(q_.mutex_);
      job_.progress = p;
      add_curve_point(log.epoch - 1 + per_epoch, log.loss, log.accuracy);
    }
    p["id"] = job_.id;
    q_.hub_.publish("batch", p);
  }

  void on_epoch(const EpochLog& log) override {
    json e = {{"epoch", log.epoch},
              {"loss", number(log.loss)},
              {"accuracy", number(log.accuracy)},
              {"val_loss", log.has_validation ? number(log.val_loss) : json(nullptr)},
              {"val_accuracy", log.has_validation ? number(log.val_accuracy) : json(nullptr)},
              {"seconds", number(log.seconds)},
              {"learning_rate", number(log.learning_rate)}};
    {
      std::lock_guard<std::mutex> lock(q_.mutex_);
      job_.epochs.push_back(e);
    }
    json ev = e;
    ev["id"] = job_.id;
    ev["epochs"] = job_.epochs_planned;
    q_.hub_.publish("epoch", ev);
  }

 private:
  // Keeps at most max_curve_points by doubling the stride and dropping every other point.
  void add_curve_point(double x, double loss, double acc) {
    if (++job_.curve_skipped < job_.curve_stride) return;
    job_.curve_skipped = 0;
    job_.curve.push_back({x, loss, acc});
    if (job_.curve.size() > q_.limits_.max_curve_points) {
      std::vector<std::array<double, 3>> thin;
      for (std::size_t i = 0; i < job_.curve.size(); i += 2) thin.push_back(job_.curve[i]);
      job_.curve.swap(thin);
      job_.curve_stride *= 2;
    }
  }

  JobQueue& q_;
  Job& job_;
  Clock::time_point start_, train_start_, last_sent_{};
  bool training_started_ = false;
};

JobQueue::JobQueue(EventHub& hub, JobRunner runner, QueueLimits limits)
    : hub_(hub), runner_(std::move(runner)), limits_(limits) {
  worker_ = std::thread([this] { work(); });
}

JobQueue::~JobQueue() { shutdown(); }

bool JobQueue::submit(const std::string& id, const json& config, const std::string& out_dir) {
  auto job = std::make_shared<Job>();
  job->id = id;
  job->config = config;
  job->out_dir = out_dir;
  job->name = config.value("name", id);
  if (config.contains("train") && config["train"].is_object() && config["train"].contains("epochs") &&
      config["train"]["epochs"].is_number_integer())
    job->epochs_planned = std::max(1, config["train"]["epochs"].get<int>());
  job->created = unix_now();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || waiting_.size() >= limits_.max_waiting) return false;
  }
  write_status(*job, JobState::queued, "", 0, 0);
  json ev;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ || waiting_.size() >= limits_.max_waiting) return false;
    jobs_[id] = job;
    order_.push_back(id);
    waiting_.push_back(job);
    ev = describe(*job, false);
  }
  hub_.publish("job", ev);
  wake_.notify_one();
  return true;
}

JobQueue::CancelResult JobQueue::cancel(const std::string& id) {
  json ev;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return CancelResult::unknown;
    Job& job = *it->second;
    if (job.state == JobState::queued) {
      for (auto w = waiting_.begin(); w != waiting_.end(); ++w)
        if ((*w)->id == id) {
          waiting_.erase(w);
          break;
        }
      job.state = JobState::cancelled;
      job.finished = unix_now();
      write_status(job, JobState::cancelled, "", 0, job.finished);
      ev = describe(job, false);
    } else if (job.state == JobState::running) {
      job.cancel = true;  // the runner sees it between batches; the worker reports the state
      return CancelResult::cancelled;
    } else {
      return CancelResult::already_finished;
    }
  }
  hub_.publish("job", ev);
  return CancelResult::cancelled;
}

bool JobQueue::has(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return jobs_.count(id) != 0;
}

json JobQueue::snapshot(const std::string& id, bool with_curve) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return nullptr;
  return describe(*it->second, with_curve);
}

json JobQueue::submitted_config(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = jobs_.find(id);
  return it == jobs_.end() ? json(nullptr) : it->second->config;
}

json JobQueue::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  json out = json::array();
  for (const auto& id : order_) out.push_back(describe(*jobs_.at(id), false));
  return out;
}

json JobQueue::describe(const Job& job, bool with_curve) const {
  json j = {{"id", job.id},          {"name", job.name},         {"state", to_string(job.state)},
            {"created", job.created}, {"epochs_planned", job.epochs_planned},
            {"progress", job.progress}, {"epochs", job.epochs}, {"stage", job.stage}};
  if (!job.error.empty()) j["error"] = job.error;
  if (job.started > 0) j["started"] = job.started;
  if (job.finished > 0) j["finished"] = job.finished;
  if (job.state == JobState::queued) {
    std::size_t pos = 0;
    for (const auto& w : waiting_) {
      if (w->id == job.id) break;
      ++pos;
    }
    j["position"] = pos;
  }
  if (with_curve) {
    json c = json::array();
    for (const auto& p : job.curve) c.push_back({number(p[0]), number(p[1]), number(p[2])});
    j["curve"] = c;
  }
  return j;
}

// Every state goes to the run's status.json before any client can see it: the runs list
// reads it back after a restart, so a job the server was running or holding when it
// died (kill -9, power loss) shows as interrupted instead of vanishing or looking done.
void JobQueue::write_status(const Job& job, JobState state, const std::string& error, double started,
                            double finished) const {
  try {
    std::filesystem::create_directories(job.out_dir);
    json status = {{"state", to_string(state)}, {"name", job.name}, {"created", job.created}};
    if (started > 0) status["started"] = started;
    if (finished > 0) status["finished"] = finished;
    if (!error.empty()) status["error"] = error;
    write_file_atomic(job.out_dir + "/status.json", status.dump(2) + "\n");
  } catch (const std::exception&) {
    // A results folder we cannot write is already reported by the job's own error.
  }
}

void JobQueue::set_state(Job& job, JobState state, const std::string& error) {
  const bool final_state = state == JobState::done || state == JobState::failed || state == JobState::cancelled;
  const double now = unix_now();
  double started;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    started = state == JobState::running ? now : job.started;
  }
  write_status(job, state, error, started, final_state ? now : 0);
  json ev;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job.state = state;
    job.error = error;
    if (state == JobState::running) job.started = now;
    if (state != JobState::running && state != JobState::queued) job.finished = now;
    ev = describe(job, false);
  }
  hub_.publish("job", ev);
}

void JobQueue::work() {
  while (true) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
      if (stopping_) return;
      job = waiting_.front();
      waiting_.pop_front();
      // Running from the moment it leaves the queue: a cancel from now on sets the flag
      // (a cancel that still saw it queued, but not in waiting_, was lost and the job ran
      // to the end).
      job->state = JobState::running;
    }
    set_state(*job, JobState::running);
    if (job->cancel) {  // cancelled between leaving the queue and starting
      set_state(*job, JobState::cancelled);
      continue;
    }
    Reporter reporter(*this, *job);
    JobContext ctx{job->id, job->config, job->out_dir, &job->cancel, &reporter};
    try {
      runner_(ctx);
      set_state(*job, job->cancel ? JobState::cancelled : JobState::done);
    } catch (const std::exception& e) {
      if (job->cancel)
        set_state(*job, JobState::cancelled);
      else
        set_state(*job, JobState::failed, e.what());
    } catch (...) {
      set_state(*job, JobState::failed, "the job stopped with an unknown exception");
    }
  }
}

void JobQueue::stop_soon() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (auto& [id, job] : jobs_)
      if (job->state == JobState::running) job->cancel = true;
    waiting_.clear();
  }
  wake_.notify_all();
}

void JobQueue::shutdown() {
  stop_soon();
  if (worker_.joinable()) worker_.join();
}

}  // namespace glassbox::server
