// Registry behaviour: factories by name, duplicate names, unknown names, option helpers.
#define BOOST_TEST_MODULE registry
#include <boost/test/unit_test.hpp>

#include "../plugins/identity_layer.h"
#include "glassbox/registry.h"

using namespace glassbox;

BOOST_AUTO_TEST_CASE(embedded_factory_creates_named_layer_without_any_library) {
  Registry r;
  gbtest::register_identity(r, "identity");
  auto layer = r.make_layer({{"type", "identity"}});
  BOOST_TEST(layer->type() == "identity");
  BOOST_TEST(r.layers.info("identity").origin == "embedded");
}

BOOST_AUTO_TEST_CASE(registering_a_name_twice_names_both_origins) {
  Registry r;
  r.set_origin("/a/liba.so");
  gbtest::register_identity(r, "twin");
  r.set_origin("/b/libb.so");
  try {
    gbtest::register_identity(r, "twin");
    BOOST_FAIL("expected PluginError");
  } catch (const PluginError& e) {
    std::string m = e.what();
    BOOST_TEST(m.find("layer 'twin' is registered twice") != std::string::npos);
    BOOST_TEST(m.find("/a/liba.so") != std::string::npos);
    BOOST_TEST(m.find("/b/libb.so") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(unknown_name_lists_the_known_ones) {
  Registry r;
  gbtest::register_identity(r, "identity");
  gbtest::register_identity(r, "other");
  try {
    r.make_layer({{"type", "denes"}});
    BOOST_FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "unknown layer 'denes' (known: identity, other)");
  }
}

BOOST_AUTO_TEST_CASE(layer_config_without_type_is_a_config_error) {
  Registry r;
  BOOST_CHECK_THROW(r.make_layer({{"units", 3}}), ConfigError);
  BOOST_CHECK_THROW(r.make_layer(nlohmann::json::array()), ConfigError);
}

BOOST_AUTO_TEST_CASE(option_reads_value_default_and_reports_wrong_type) {
  nlohmann::json o = {{"units", 12}, {"name", "d"}};
  BOOST_TEST(option<int>(o, "units", 1) == 12);
  BOOST_TEST(option<int>(o, "missing", 7) == 7);
  try {
    option<int>(o, "name", 0);
    BOOST_FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()).find("option 'name' has the wrong type") != std::string::npos);
  }
  BOOST_CHECK_THROW(required_option<int>(o, "filters"), ConfigError);
}

BOOST_AUTO_TEST_CASE(unknown_option_key_is_named) {
  try {
    check_known_keys({{"units", 3}, {"activaton", "relu"}}, {"units", "activation"}, "dense_1");
    BOOST_FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    BOOST_TEST(std::string(e.what()) == "dense_1: unknown key 'activaton' (expected one of: units, activation)");
  }
}

BOOST_AUTO_TEST_CASE(list_is_sorted_by_name) {
  Registry r;
  gbtest::register_identity(r, "zeta");
  gbtest::register_identity(r, "alpha");
  auto l = r.layers.list();
  BOOST_TEST_REQUIRE(l.size() == 2u);
  BOOST_TEST(l[0].name == "alpha");
  BOOST_TEST(l[1].name == "zeta");
}

BOOST_AUTO_TEST_CASE(numeric_options_are_converted_only_when_the_type_holds_them) {
  using nlohmann::json;
  const auto message = [](auto read) -> std::string {
    try {
      read();
    } catch (const glassbox::ConfigError& e) {
      return e.what();
    }
    return "";
  };
  const json o = json::parse(R"({"units": 4.3e59, "half": 1.5, "neg": -1, "big": 18446744073709551615,
                                 "whole": 3.0, "lr": 1e300, "ok": 7})");
  // Before, get<int>() of 4.3e59 was a cast with undefined behaviour and 1.5 became 1.
  BOOST_TEST(message([&] { glassbox::option<int>(o, "units", 0); }) ==
             "option 'units' must be a whole number in [-2147483648, 2147483647], got 4.3e+59");
  BOOST_TEST(message([&] { glassbox::option<int>(o, "half", 0); }).find("got 1.5") != std::string::npos);
  BOOST_TEST(message([&] { glassbox::option<std::size_t>(o, "neg", 0); }) ==
             "option 'neg' must be a whole number in [0, 18446744073709551615], got -1");
  BOOST_TEST(message([&] { glassbox::option<long>(o, "big", 0); }).find("got 18446744073709551615") != std::string::npos);
  BOOST_TEST(glassbox::option<std::uint64_t>(o, "big", 0) == 18446744073709551615ull);
  BOOST_TEST(glassbox::option<int>(o, "whole", 0) == 3);
  BOOST_TEST(message([&] { glassbox::option<float>(o, "lr", 0.f); }) == "option 'lr' must be a finite number, got 1e+300");
  BOOST_TEST(glassbox::option<double>(o, "lr", 0.0) == 1e300);
  BOOST_TEST(glassbox::option<int>(o, "ok", 0) == 7);
}
