// A driver built without MPI: never a world.
#include <cstdlib>

#include "mpi_world.h"

namespace glassbox::app {

bool mpi_built() { return false; }
ReplicaGroup* mpi_world() { return nullptr; }
void abort_world(int code) { std::exit(code); }

}  // namespace glassbox::app
