// The main() of test executables built with NEEDS_DATA: Boost.Test's own runner, then the
// verdict on missing datasets (see data_required.h).
#include "data_required.h"

#include <cstdlib>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

// Defined by BOOST_TEST_MODULE in the test's own file (BOOST_TEST_NO_MAIN keeps its main out).
bool init_unit_test();

namespace gbtest {

namespace {
std::set<std::string>& missing_datasets() {
  static std::set<std::string> names;
  return names;
}
}  // namespace

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

boost::test_tools::assertion_result dataset_installed::operator()(boost::unit_test::test_unit_id) const {
  glassbox::Registry registry;
  glassbox::load_plugin(registry, GLASSBOX_TEST_PLUGIN_DIR "/libglassbox_datasets.so");
  const glassbox::DatasetInfo info =
      registry.datasets.create(dataset, nlohmann::json::object())->describe(nlohmann::json::object());
  if (info.available) return true;
  missing_datasets().insert(dataset);
  std::cout << (running_in_ci() ? "FAILED (CI=true): " : "SKIPPED: ") << "dataset '" << dataset
            << "' is not installed: " << info.install_hint << std::endl;
  boost::test_tools::assertion_result r(false);
  r.message() << "dataset '" << dataset << "' is not installed";
  return r;
}

boost::test_tools::assertion_result tool_installed::operator()(boost::unit_test::test_unit_id) const {
  if (std::system((check + " >/dev/null 2>&1").c_str()) == 0) return true;
  missing_datasets().insert(name);
  std::cout << (running_in_ci() ? "FAILED (CI=true): " : "SKIPPED: ") << name << " is not installed: " << hint
            << std::endl;
  boost::test_tools::assertion_result r(false);
  r.message() << name << " is not installed";
  return r;
}

}  // namespace gbtest

int main(int argc, char* argv[]) {
  const int rc = boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
  if (rc != 0 || gbtest::missing_datasets().empty()) return rc;
  std::string names;
  for (const auto& n : gbtest::missing_datasets()) names += (names.empty() ? "" : ", ") + n;
  if (gbtest::running_in_ci()) {
    std::cout << "FAILED: CI=true and datasets or tools are missing: " << names << " (scripts/setup.sh)" << std::endl;
    return 1;
  }
  std::cout << "SKIPPED: not installed: " << names << std::endl;
  return 77;  // SKIP_RETURN_CODE of these tests
}
