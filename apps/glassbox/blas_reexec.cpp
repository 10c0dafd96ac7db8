#include "blas_reexec.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <iostream>

#include "glassbox/blas.h"

namespace glassbox::app {

void fix_blas_core_or_reexec(char** argv, bool quiet) {
  if (const char* off = std::getenv("GLASSBOX_NO_BLAS_FIX"); off && std::strcmp(off, "0") != 0) return;
  // Set by the re-executed child: never loop.
  if (std::getenv("GLASSBOX_BLAS_REEXEC")) return;
  BlasReport r = blas_report();
  if (r.recommended_coretype.empty()) return;
  setenv("OPENBLAS_CORETYPE", r.recommended_coretype.c_str(), 1);
  setenv("GLASSBOX_BLAS_REEXEC", r.corename.c_str(), 1);
  if (!quiet && isatty(STDERR_FILENO))
    std::cerr << "glassbox: OpenBLAS chose its generic '" << r.corename << "' kernel on this CPU; "
              << "restarting with OPENBLAS_CORETYPE=" << r.recommended_coretype
              << " (set OPENBLAS_CORETYPE yourself to choose, or GLASSBOX_NO_BLAS_FIX=1)\n";
  execv("/proc/self/exe", argv);
  // execv only returns on failure: carry on with the slow kernel.
  std::cerr << "glassbox: warning: could not restart with OPENBLAS_CORETYPE=" << r.recommended_coretype
            << " (" << std::strerror(errno) << "); BLAS runs its generic kernel\n";
  unsetenv("OPENBLAS_CORETYPE");
}

}  // namespace glassbox::app
