#pragma once
// The job runner the server uses: runs an experiment through the same pipeline as
// `glassbox run` (experiment_runner.h), forwarding its progress to the queue.
#include "glassbox/registry.h"
#include "job_queue.h"

namespace glassbox::server {

JobRunner experiment_job_runner(Registry& registry);

}  // namespace glassbox::server
