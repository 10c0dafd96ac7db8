#pragma once
// The driver's replicas: the MPI world when glassbox was started by mpirun (or another MPI
// launcher) and built with MPI (CMake option GLASSBOX_MPI, on when MPI is found); otherwise
// none. The header names no MPI type, so the driver compiles the same either way.
#include <string>

#include "glassbox/replica_group.h"

namespace glassbox::app {

// True when this build has MPI support.
bool mpi_built();
// The world of this launch: null in a plain start. MPI is initialized on the first call
// and finalized at exit. A build without MPI started by an MPI launcher throws ConfigError.
ReplicaGroup* mpi_world();
// Ends every process of the launch with exit code `code` (a failure on one replica would
// leave the others waiting in a collective). Without a world: std::exit(code).
[[noreturn]] void abort_world(int code);

}  // namespace glassbox::app
