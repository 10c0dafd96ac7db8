#include "experiment_job.h"

#include "experiment_runner.h"
#include "glassbox/experiment.h"

namespace glassbox::server {

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
    options.on_stage = [sink](const std::string& stage) { sink->on_stage(stage); };
    app::run_experiment(e, registry, options);
  };
}

}  // namespace glassbox::server
