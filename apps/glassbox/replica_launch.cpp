#include "replica_launch.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include "command.h"
#include "glassbox/error.h"
#include "glassbox/parallel.h"
#include "mpi_world.h"

namespace glassbox::app {

namespace {

int env_int(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : 0;
}

}  // namespace

ReplicaLaunch start_replicas(Context& ctx) {
  ReplicaLaunch launch{mpi_world()};
  if (!launch.lead()) ctx.quiet = true;
  if (launch.parallel() && !std::getenv("GLASSBOX_NUM_THREADS") && !std::getenv("OPENBLAS_NUM_THREADS")) {
    // The replicas of one node share its cores (OpenMPI names how many run here).
    const int here = std::max(1, env_int("OMPI_COMM_WORLD_LOCAL_SIZE") ? env_int("OMPI_COMM_WORLD_LOCAL_SIZE")
                                                                       : launch.world->size());
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    set_compute_threads(std::max(1, cores / here));
  }
  return launch;
}

int run_on_replicas(const ReplicaLaunch& launch, const std::string& command, const std::function<int()>& body) {
  if (!launch.parallel()) return body();
  const std::string who = "glassbox " + command + (launch.lead() ? "" : " (rank " + std::to_string(launch.world->rank()) + ")");
  try {
    return body();
  } catch (const ConfigError& e) {
    if (launch.lead()) std::cerr << who << ": error: " << e.what() << "\n" << std::flush;
    abort_world(kExitUsage);
  } catch (const std::bad_alloc&) {
    std::cerr << who << ": error: out of memory\n" << std::flush;
    abort_world(kExitFailure);
  } catch (const std::exception& e) {
    std::cerr << who << ": error: " << e.what() << "\n" << std::flush;
    abort_world(kExitFailure);
  }
}

std::string replica_scratch_dir(const ReplicaLaunch& launch) {
  const int rank = launch.world ? launch.world->rank() : 0;
  return (std::filesystem::temp_directory_path() /
          ("glassbox-replica-" + std::to_string(rank) + "-" + std::to_string(::getpid())))
      .string();
}

}  // namespace glassbox::app
