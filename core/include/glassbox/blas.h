#pragma once
// BLAS set-up. Debian 12's OpenBLAS 0.3.21 does not recognise recent CPUs and falls back
// to a generic kernel several times slower. OpenBLAS reads OPENBLAS_CORETYPE when it is
// loaded, so a program must set it before that: the driver re-executes itself once.
// Embedders: call blas_report(); if `recommended_coretype` is not empty, set
// OPENBLAS_CORETYPE to it in the environment before starting your program.
#include <string>

#include <nlohmann/json.hpp>

namespace glassbox {

struct CpuFeatures {
  bool avx2 = false;
  bool avx512f = false;
  bool fma = false;
};

CpuFeatures detect_cpu_features();

// The pure decision: which OPENBLAS_CORETYPE to ask for, or "" to leave things alone.
// `user_coretype` is the value of OPENBLAS_CORETYPE (empty when unset): a user choice wins.
std::string choose_openblas_coretype(const std::string& corename, const CpuFeatures& cpu,
                                     const std::string& user_coretype);

bool is_generic_openblas_core(const std::string& corename);

struct BlasReport {
  std::string corename;
  int threads = 1;          // OpenBLAS threads (1 once glassbox's compute pool is in use)
  int compute_threads = 1;  // glassbox's own threads (parallel.h)
  CpuFeatures cpu;
  std::string env_coretype;         // OPENBLAS_CORETYPE as set, or ""
  std::string recommended_coretype;  // what to set, or "" when fine
  nlohmann::json to_json() const;
};

BlasReport blas_report();
std::string openblas_corename();
int blas_threads();
void set_blas_threads(int n);

}  // namespace glassbox
