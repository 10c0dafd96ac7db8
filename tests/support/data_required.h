#pragma once
// Tests that read a real dataset (the MNIST digits from scripts/fetch-data.sh, the Debian
// Fashion-MNIST package) declare it, so a missing dataset can never look like a pass:
//
//   BOOST_AUTO_TEST_CASE(trains_on_digits, *gbtest::needs_dataset("mnist-digits")) { ... }
//
// When the dataset is missing the case does not run; the executable (whose main() comes
// from data_required.cpp, see glassbox_add_test(... NEEDS_DATA)) then exits 77, which CTest
// reports as "Skipped". With CI=true in the environment a missing dataset is a failure
// (exit 1, naming the dataset and how to fetch it). Failures of other cases still fail.
#include <string>

#include <boost/test/unit_test.hpp>

namespace gbtest {

// Boost.Test precondition: true when `dataset` is installed (as the datasets plugin sees
// it, with this process's GLASSBOX_DATA_DIR). Prints "SKIPPED: ..." when it is not.
struct dataset_installed {
  std::string dataset;
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const;
};

inline boost::unit_test::decorator::precondition needs_dataset(const std::string& dataset) {
  return boost::unit_test::precondition(dataset_installed{dataset});
}

// Boost.Test precondition for a tool a case needs (e.g. python3-sklearn as an independent
// solver): `check` is a shell command that succeeds when the tool is there. A missing tool
// counts like a missing dataset (skip, or failure with CI=true); `hint` says how to get it.
struct tool_installed {
  std::string name, check, hint;
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const;
};

inline boost::unit_test::decorator::precondition needs_tool(const std::string& name, const std::string& check,
                                                           const std::string& hint) {
  return boost::unit_test::precondition(tool_installed{name, check, hint});
}

// True when CI=true: missing data is then an error, not a skip.
bool running_in_ci();

}  // namespace gbtest
