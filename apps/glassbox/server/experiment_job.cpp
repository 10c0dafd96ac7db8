#include "experiment_job.h"

#include "experiment_runner.h"
#include "glassbox/error.h"
#include "glassbox/experiment.h"

namespace glassbox::server {

namespace {

// Leaves run_experiment at a stage boundary; the queue reports the job as cancelled
// because its cancel flag is set.
class Cancelled : public Error {
 public:
  using Error::Error;
};

}  // namespace

JobRunner experiment_job_runner(Registry& registry) {
  return [&registry](JobContext& job) {
    Experiment e;
    e.source = job.id + "/config.json";
    e.config = job.config;
    app::RunOptions options;
    options.out_dir = job.out_dir;
    options.cancel = job.cancel;
    ProgressSink* sink = job.progress;
    options.on_batch = [sink](const BatchLog& log) { sink->on_batch(log); };
    options.on_epoch = [sink](const EpochLog& log) { sink->on_epoch(log); };
    // Training stops between batches; loading data cannot, so a cancel during the data
    // stage takes effect when it ends: the job stops before building or training the
    // model. (Once training has begun the runner saves what a cancelled run has, as before.)
    std::atomic<bool>* cancel = job.cancel;
    options.on_stage = [sink, cancel](const std::string& stage) {
      if (cancel && *cancel && (stage == "model" || stage == "train"))
        throw Cancelled("cancelled before the '" + stage + "' stage");
      sink->on_stage(stage);
    };
    app::run_experiment(e, registry, options);
  };
}

}  // namespace glassbox::server
