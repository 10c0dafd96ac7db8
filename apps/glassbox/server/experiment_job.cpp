#include "experiment_job.h"

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#if __has_include("experiment_runner.h")
#include "experiment_runner.h"
#define GLASSBOX_HAVE_RUNNER 1
#endif

namespace glassbox::server {

#ifndef GLASSBOX_HAVE_RUNNER
JobRunner experiment_job_runner(Registry&) {
  return [](JobContext&) -> void { throw Error("this build has no experiment pipeline (experiment_runner.h)"); };
}
#else
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
#endif

}  // namespace glassbox::server
