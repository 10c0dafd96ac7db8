// The plugin loader: each broken-plugin case gives a PluginError naming the file, and the
// search order decides which copy of a plugin is loaded.
#define BOOST_TEST_MODULE plugin_loader
#include <cstdlib>

#include <boost/test/unit_test.hpp>

#include "glassbox/plugin.h"
#include "glassbox/plugin_loader.h"

using namespace glassbox;

namespace {
const std::string kDir = GLASSBOX_BINARY_DIR "/test-plugins";

std::string load_error(const std::string& path) {
  Registry r;
  try {
    load_plugin(r, path);
  } catch (const PluginError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

BOOST_AUTO_TEST_CASE(good_plugin_registers_its_layer_with_its_file_as_origin) {
  Registry r;
  load_plugin(r, kDir + "/good/libgbtest_good.so");
  BOOST_TEST_REQUIRE(r.plugins().size() == 1u);
  BOOST_TEST(r.plugins()[0].name == "gbtest-good");
  BOOST_TEST(r.plugins()[0].layers == std::vector<std::string>{"identity"});
  BOOST_TEST(contains(r.layers.info("identity").origin, "libgbtest_good.so"));
  auto layer = r.make_layer({{"type", "identity"}});
  BOOST_TEST(layer->type() == "identity");
}

BOOST_AUTO_TEST_CASE(garbage_file_is_not_a_shared_library) {
  std::string m = load_error(kDir + "/garbage/libgarbage.so");
  BOOST_TEST(contains(m, kDir + "/garbage/libgarbage.so: not a shared library"), m);
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
  std::string m = load_error(kDir + "/nowhere/libx.so");
  BOOST_TEST(contains(m, "libx.so: no such plugin file"), m);
}

BOOST_AUTO_TEST_CASE(unresolved_symbol_fails_at_load_time_naming_it) {
  std::string m = load_error(kDir + "/undefined/libgbtest_undefined.so");
  BOOST_TEST(contains(m, "libgbtest_undefined.so: cannot be loaded as a shared library ("), m);
  BOOST_TEST(contains(m, "undefined symbol: gbtest_function_that_does_not_exist"), m);
}

BOOST_AUTO_TEST_CASE(library_without_entry_point_is_refused) {
  std::string m = load_error(kDir + "/no-entry/libgbtest_no_entry.so");
  BOOST_TEST(contains(m, "libgbtest_no_entry.so: not a glassbox plugin (no 'glassbox_plugin' entry point)"), m);
}

BOOST_AUTO_TEST_CASE(abi_mismatch_is_refused_before_registration_runs) {
  // The plugin's register function aborts: reaching it would end this test process.
  std::string m = load_error(kDir + "/abi/libgbtest_abi_mismatch.so");
  // (The plugin's entry says kPluginAbiVersion + 98.)
  const std::string want = "libgbtest_abi_mismatch.so: plugin ABI version " + std::to_string(kPluginAbiVersion + 98) +
                           ", this glassbox expects " + std::to_string(kPluginAbiVersion);
  BOOST_TEST(kPluginAbiVersion == 4);
  BOOST_TEST(contains(m, want), m);
}

BOOST_AUTO_TEST_CASE(layout_mismatch_is_refused_naming_file_and_both_layouts) {
  // Same ABI version, tensor storage aligned to 16 instead of 64 (another -march): the
  // register function aborts, so reaching it would end this test process.
  std::string m = load_error(kDir + "/layout/libgbtest_layout_mismatch.so");
  const AbiFingerprint here = current_abi_fingerprint();
  AbiFingerprint there = here;
  there.allocator_alignment = 16;
  BOOST_TEST(contains(m, kDir + "/layout/libgbtest_layout_mismatch.so: plugin data layout differs"), m);
  BOOST_TEST(contains(m, "plugin has " + to_string(there) + ", this glassbox has " + to_string(here)), m);
  BOOST_TEST(contains(m, "storage align 16"), m);
  BOOST_TEST(contains(m, "storage align 64"), m);
}

BOOST_AUTO_TEST_CASE(plugin_built_for_the_baseline_cpu_without_simd_loads_and_runs) {
  // Built with -march=x86-64 and without XTENSOR_USE_XSIMD (tests/plugins/CMakeLists.txt);
  // before the tensor type named its allocator this plugin saw another Tensor type.
  Registry r;
  load_plugin(r, kDir + "/baseline/libgbtest_baseline.so");
  auto layer = r.make_layer({{"type", "identity"}});
  Rng rng(1);
  layer->build({3}, rng);
  const Tensor x = {{1.0f, 2.0f, 3.0f}};
  const Tensor& y = layer->forward(x, Mode::inference);
  const bool same = y == x;
  BOOST_TEST(same);
}

BOOST_AUTO_TEST_CASE(fingerprint_names_the_flag_independent_tensor_layout) {
  // The allocator is part of the type, so it is the same whatever -march this file had.
  BOOST_TEST(current_abi_fingerprint().allocator_alignment == 64u);
  BOOST_TEST(current_abi_fingerprint().tensor_size == sizeof(Tensor));
}

// Each library exports a 'glassbox_plugin' that is not the pointer GLASSBOX_PLUGIN defines;
// reading through or calling it would crash this test process.
// Under AddressSanitizer a writable global's symbol size includes its redzone (a 4-byte int
// or an 8-byte pointer is listed as 32 bytes), so the loader refuses both by their size.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAsanRedzones = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAsanRedzones = true;
#else
constexpr bool kAsanRedzones = false;
#endif
#else
constexpr bool kAsanRedzones = false;
#endif

const std::string kNotEntry = ": exports 'glassbox_plugin' but it is not a glassbox entry point (";
const std::string kSizeTail = " bytes, expected the pointer (8 bytes) GLASSBOX_PLUGIN defines)";

BOOST_AUTO_TEST_CASE(int_named_glassbox_plugin_is_refused_without_calling_it) {
  const std::string f = kDir + "/int-entry/libgbtest_int_entry.so";
  std::string m = load_error(f);
  const std::string size = kAsanRedzones ? "32" : "4";
  BOOST_TEST(m == f + kNotEntry + "a data symbol of " + size + kSizeTail, m);
}

BOOST_AUTO_TEST_CASE(pointer_out_of_the_library_is_refused_without_reading_it) {
  const std::string f = kDir + "/stray-entry/libgbtest_stray_entry.so";
  std::string m = load_error(f);
  if (kAsanRedzones)
    BOOST_TEST(m == f + kNotEntry + "a data symbol of 32" + kSizeTail, m);
  else
    BOOST_TEST(m == f + kNotEntry + "it does not point to a plugin entry inside the library)", m);
}

BOOST_AUTO_TEST_CASE(function_named_glassbox_plugin_is_refused) {
  const std::string f = kDir + "/function-entry/libgbtest_function_entry.so";
  std::string m = load_error(f);
  BOOST_TEST(m == f + ": exports 'glassbox_plugin' but it is not a glassbox entry point (it is a function, expected "
                      "the pointer GLASSBOX_PLUGIN defines)", m);
}

BOOST_AUTO_TEST_CASE(second_plugin_registering_the_same_name_fails_naming_both_files) {
  Registry r;
  load_plugin(r, kDir + "/twins/libgbtest_twin_a.so");
  try {
    load_plugin(r, kDir + "/twins/libgbtest_twin_b.so");
    BOOST_FAIL("expected PluginError");
  } catch (const PluginError& e) {
    std::string m = e.what();
    BOOST_TEST(contains(m, "layer 'twin' is registered twice"), m);
    BOOST_TEST(contains(m, "libgbtest_twin_a.so"), m);
    BOOST_TEST(contains(m, "libgbtest_twin_b.so"), m);
  }
  BOOST_TEST(r.plugins().size() == 1u);
  // All or nothing: what the failed plugin registered before the clash is gone.
  BOOST_TEST(!r.layers.contains("twin_b_only"));
  BOOST_TEST(r.layers.contains("twin"));
}

BOOST_AUTO_TEST_CASE(exception_in_registration_becomes_plugin_error) {
  std::string m = load_error(kDir + "/throwing/libgbtest_throwing.so");
  BOOST_TEST(contains(m, "libgbtest_throwing.so: registration failed: boom in registration"), m);
}

BOOST_AUTO_TEST_CASE(search_path_order_is_flag_then_environment_then_defaults) {
  setenv("GLASSBOX_PLUGIN_PATH", "/env/one:/env/two", 1);
  PluginSearch s;
  s.explicit_dirs = {"/flag/a", "/flag/b"};
  auto dirs = plugin_search_path(s);
  BOOST_TEST_REQUIRE(dirs.size() == 6u);
  BOOST_TEST(dirs[0].path == "/flag/a");
  BOOST_TEST(dirs[1].path == "/flag/b");
  BOOST_TEST(dirs[0].explicit_request);
  BOOST_TEST(dirs[2].path == "/env/one");
  BOOST_TEST(dirs[3].path == "/env/two");
  BOOST_TEST(!dirs[2].explicit_request);
  BOOST_TEST(dirs[4].source == "executable");
  BOOST_TEST(dirs[5].source == "install");
  BOOST_TEST(dirs[5].path == install_plugin_dir());
  unsetenv("GLASSBOX_PLUGIN_PATH");
}

BOOST_AUTO_TEST_CASE(earlier_folder_wins_and_later_copy_is_skipped) {
  // "good" and "shadow" hold the same plugin (gbtest-good) under different file names;
  // the copy with the same file name in a later folder is shadowed.
  Registry r;
  PluginSearch s;
  s.explicit_dirs = {kDir + "/good", kDir + "/good"};
  s.use_environment = false;
  s.use_default_dirs = false;
  auto problems = load_plugins(r, s);
  BOOST_TEST(problems.empty());
  BOOST_TEST(r.plugins().size() == 1u);
}

BOOST_AUTO_TEST_CASE(same_plugin_name_from_two_files_is_reported_not_loaded_twice) {
  Registry r;
  PluginSearch s;
  s.explicit_dirs = {kDir + "/good", kDir + "/shadow"};
  s.use_environment = false;
  s.use_default_dirs = false;
  auto problems = load_plugins(r, s);
  BOOST_TEST_REQUIRE(r.plugins().size() == 1u);
  BOOST_TEST(contains(r.plugins()[0].path, "/good/"));
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(contains(problems[0].message, "plugin 'gbtest-good' is already loaded from"), problems[0].message);
  BOOST_TEST(problems[0].fatal);
}

BOOST_AUTO_TEST_CASE(problems_in_a_folder_are_collected_and_good_plugins_still_load) {
  Registry r;
  PluginSearch s;
  s.explicit_dirs = {kDir + "/garbage", kDir + "/good"};
  s.use_environment = false;
  s.use_default_dirs = false;
  auto problems = load_plugins(r, s);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(contains(problems[0].path, "libgarbage.so"));
  BOOST_TEST(r.plugins().size() == 1u);
}

BOOST_AUTO_TEST_CASE(missing_explicit_folder_is_a_fatal_problem) {
  Registry r;
  PluginSearch s;
  s.explicit_dirs = {kDir + "/does-not-exist"};
  s.use_environment = false;
  s.use_default_dirs = false;
  auto problems = load_plugins(r, s);
  BOOST_TEST_REQUIRE(problems.size() == 1u);
  BOOST_TEST(problems[0].fatal);
  BOOST_TEST(contains(problems[0].message, "plugin folder does not exist"));
}
