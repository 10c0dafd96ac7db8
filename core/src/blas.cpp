#include "glassbox/blas.h"

#include "glassbox/parallel.h"

#include <algorithm>
#include <cstdlib>

extern "C" {
char* openblas_get_corename(void);
int openblas_get_num_threads(void);
void openblas_set_num_threads(int);
}

namespace glassbox {

CpuFeatures detect_cpu_features() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  f.avx2 = __builtin_cpu_supports("avx2");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.fma = __builtin_cpu_supports("fma");
#endif
  return f;
}

bool is_generic_openblas_core(const std::string& corename) {
  std::string c = corename;
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::tolower(ch); });
  // The kernels OpenBLAS picks when it does not recognise a CPU.
  static const char* generic[] = {"prescott", "katmai", "coppermine", "northwood", "core2",
                                  "penryn", "dunnington", "nehalem", "atom", "generic", "unknown"};
  for (const char* g : generic)
    if (c == g) return true;
  return false;
}

std::string choose_openblas_coretype(const std::string& corename, const CpuFeatures& cpu,
                                     const std::string& user_coretype) {
  if (!user_coretype.empty()) return "";  // the user's choice stands
  if (!is_generic_openblas_core(corename)) return "";
  if (cpu.avx512f) return "SkylakeX";
  if (cpu.avx2 && cpu.fma) return "Haswell";
  return "";
}

std::string openblas_corename() {
  const char* c = openblas_get_corename();
  std::string s = c ? c : "";
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

int blas_threads() { return openblas_get_num_threads(); }
void set_blas_threads(int n) { openblas_set_num_threads(n); }

BlasReport blas_report() {
  BlasReport r;
  r.corename = openblas_corename();
  r.compute_threads = compute_threads();  // first: it puts OpenBLAS on one thread
  r.threads = blas_threads();
  r.cpu = detect_cpu_features();
  const char* env = std::getenv("OPENBLAS_CORETYPE");
  r.env_coretype = env ? env : "";
  r.recommended_coretype = choose_openblas_coretype(r.corename, r.cpu, r.env_coretype);
  return r;
}

nlohmann::json BlasReport::to_json() const {
  return {{"library", "OpenBLAS"},
          {"core", corename},
          {"threads", threads},
          {"compute_threads", compute_threads},
          {"cpu", {{"avx2", cpu.avx2}, {"avx512f", cpu.avx512f}, {"fma", cpu.fma}}},
          {"OPENBLAS_CORETYPE", env_coretype.empty() ? nlohmann::json(nullptr) : nlohmann::json(env_coretype)},
          {"recommended_coretype", recommended_coretype.empty() ? nlohmann::json(nullptr) : nlohmann::json(recommended_coretype)}};
}

}  // namespace glassbox
