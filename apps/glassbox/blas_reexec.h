#pragma once
namespace glassbox::app {
// When OpenBLAS runs a generic kernel on a CPU it could run much faster, re-executes the
// program once with OPENBLAS_CORETYPE set (see glassbox/blas.h). Returns only when no
// re-execution happened. GLASSBOX_NO_BLAS_FIX=1 turns this off.
void fix_blas_core_or_reexec(char** argv, bool quiet);
}  // namespace glassbox::app
