#pragma once
// How a command runs on MPI replicas (docs/mpi.md): replica 0 leads (prints, writes the
// results folder); the others are quiet and write only into a scratch folder of their own.
#include <functional>
#include <string>

#include "context.h"
#include "glassbox/replica_group.h"

namespace glassbox::app {

struct ReplicaLaunch {
  ReplicaGroup* world = nullptr;  // null: one process (a plain start)
  bool lead() const { return !world || world->rank() == 0; }
  bool parallel() const { return world && world->size() > 1; }
};

// The launch of this process: starts MPI under mpirun (mpi_world.h). A replica other than
// 0 is made quiet; with several replicas and no thread count in the environment, each takes
// its share of the node's cores.
ReplicaLaunch start_replicas(Context& ctx);

// Runs `body`. One process: returns its code, exceptions pass. Several replicas: an
// exception is printed ("glassbox COMMAND: error: ...", by replica 0, and by the others
// when it is not a configuration error, which every replica meets alike) and ends the
// whole launch with the exit code main would give (2 or 1), so no replica waits forever
// in a collective.
int run_on_replicas(const ReplicaLaunch& launch, const std::string& command, const std::function<int()>& body);

// A scratch folder for a replica other than 0: /tmp/glassbox-replica-<rank>-<pid>.
std::string replica_scratch_dir(const ReplicaLaunch& launch);

}  // namespace glassbox::app
