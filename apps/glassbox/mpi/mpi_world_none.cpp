// A driver built without MPI: never a world. Started by an MPI launcher, it refuses to
// run: N copies would each train alone and write the same results folder.
#include <cstdlib>

#include "glassbox/error.h"
#include "mpi_world.h"

namespace glassbox::app {

bool mpi_built() { return false; }

ReplicaGroup* mpi_world() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v))
      throw ConfigError("this glassbox was built without MPI (no libopenmpi-dev at build time, or -DGLASSBOX_MPI=OFF), "
                        "so it cannot run under mpirun: rebuild with MPI, or run it without mpirun");
  return nullptr;
}

void abort_world(int code) { std::exit(code); }

}  // namespace glassbox::app
