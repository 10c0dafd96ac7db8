// The BLAS core decision, as a pure function of the core OpenBLAS chose, the CPU flags
// and the user's environment.
#define BOOST_TEST_MODULE blas
#include <boost/test/unit_test.hpp>

#include "glassbox/blas.h"

using namespace glassbox;

namespace {
CpuFeatures cpu(bool avx2, bool avx512) {
  CpuFeatures c;
  c.avx2 = avx2;
  c.fma = avx2;
  c.avx512f = avx512;
  return c;
}
}  // namespace

BOOST_AUTO_TEST_CASE(generic_core_on_avx512_cpu_asks_for_skylakex) {
  BOOST_TEST(choose_openblas_coretype("Prescott", cpu(true, true), "") == "SkylakeX");
}

BOOST_AUTO_TEST_CASE(generic_core_on_avx2_cpu_asks_for_haswell) {
  BOOST_TEST(choose_openblas_coretype("Prescott", cpu(true, false), "") == "Haswell");
  BOOST_TEST(choose_openblas_coretype("Nehalem", cpu(true, false), "") == "Haswell");
}

BOOST_AUTO_TEST_CASE(user_setting_always_wins) {
  BOOST_TEST(choose_openblas_coretype("Prescott", cpu(true, true), "Haswell") == "");
  BOOST_TEST(choose_openblas_coretype("Prescott", cpu(true, true), "Prescott") == "");
}

BOOST_AUTO_TEST_CASE(recognised_core_is_left_alone) {
  BOOST_TEST(choose_openblas_coretype("SkylakeX", cpu(true, true), "") == "");
  BOOST_TEST(choose_openblas_coretype("Zen", cpu(true, false), "") == "");
  BOOST_TEST(choose_openblas_coretype("Haswell", cpu(true, false), "") == "");
}

BOOST_AUTO_TEST_CASE(old_cpu_without_avx2_keeps_generic_kernel) {
  BOOST_TEST(choose_openblas_coretype("Prescott", cpu(false, false), "") == "");
}

BOOST_AUTO_TEST_CASE(generic_core_names_are_case_insensitive) {
  BOOST_TEST(is_generic_openblas_core("PRESCOTT"));
  BOOST_TEST(is_generic_openblas_core("Core2"));
  BOOST_TEST(!is_generic_openblas_core("SkylakeX"));
  BOOST_TEST(!is_generic_openblas_core("Zen"));
}

BOOST_AUTO_TEST_CASE(report_agrees_with_the_decision_for_this_process) {
  BlasReport r = blas_report();
  BOOST_TEST(!r.corename.empty());
  BOOST_TEST(r.recommended_coretype == choose_openblas_coretype(r.corename, r.cpu, r.env_coretype));
  BOOST_TEST(r.to_json()["core"] == r.corename);
}
