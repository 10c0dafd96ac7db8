// Every registered layer, optimizer and dataset describes its options once: the registry's
// schema, the defaults a factory fills in and what config() writes back agree, a changed
// value survives config() and a round trip through the factory, and an unknown key is
// refused naming the key and the known ones. Table-driven over the loaded plugins, so a
// new layer or option is checked without a new test.
#define BOOST_TEST_MODULE option_sets
#include <boost/test/unit_test.hpp>

#include "model_fixture.h"

#include <cmath>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "glassbox/callback.h"
#include "glassbox/option_spec.h"
#include "glassbox/plugin_loader.h"
#include "glassbox/registry.h"

using namespace glassbox;
using nlohmann::json;

namespace {

const Registry& plugins() { return glassbox::testing::builtin_registry(); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A value for a required option, by type (the schema gives none).
json required_value(const std::string& type) {
  if (type == "int" || type == "int|list") return 3;
  if (type == "list") return json::array({-1});  // reshape's target_shape: one inferred axis
  throw std::runtime_error("no sample value for a required option of type " + type);
}

// The options a factory needs at the least: the required ones.
json minimal_options(const json& schema) {
  json o = json::object();
  for (const auto& [key, spec] : schema.items())
    if (spec.value("required", false)) o[key] = required_value(spec.at("type").get<std::string>());
  return o;
}

// The schema's default as the description reads it: a size n is [n, n].
json normalised_default(const json& spec) {
  const json& d = spec.at("default");
  return spec.at("type") == "int|list" && d.is_number() ? json::array({d, d}) : d;
}

// A value other than the default that the description accepts, or null when the test has
// none (strings without choices, lists).
json other_value(const json& spec) {
  const std::string type = spec.at("type").get<std::string>();
  const json& d = spec.at("default");
  const double lo = spec.value("min", -INFINITY), hi = spec.value("max", INFINITY);
  if (type == "bool") return !d.get<bool>();
  if (spec.contains("choices")) {
    for (const json& c : spec.at("choices"))
      if (c != d) return c;
    return nullptr;
  }
  if (type == "int" && d.is_number()) return d.get<double>() + 1 <= hi ? json(d.get<long long>() + 1) : json();
  if (type == "float" && d.is_number()) {
    const double v = d.get<double>() != 0 ? d.get<double>() / 2 : (std::isfinite(hi) ? hi / 2 : 0.5);
    return v > lo || (v == lo && !spec.value("min_exclusive", false)) ? json(v) : json();
  }
  return nullptr;
}

void check_schema_entry(const std::string& where, const std::string& key, const json& spec) {
  BOOST_TEST_CONTEXT(where << " option " << key) {
    BOOST_TEST(spec.contains("type"));
    BOOST_TEST(spec.contains("default"));
    BOOST_TEST(!spec.value("help", std::string()).empty());
    if (spec.contains("choices") && !spec.at("default").is_null()) {
      const json& c = spec.at("choices");
      BOOST_TEST((std::find(c.begin(), c.end(), spec.at("default")) != c.end()));
    }
  }
}

// Unknown keys are refused naming the key and every known one.
void check_unknown_key(const std::string& where, const json& schema, const std::function<void(const json&)>& make,
                       json options) {
  options["no_such_option"] = 1;
  const std::string e = error_of([&] { make(options); });
  BOOST_TEST_CONTEXT(where << ": " << e) {
    BOOST_TEST(contains(e, "unknown key 'no_such_option'"));
    for (const auto& [key, spec] : schema.items()) BOOST_TEST(contains(e, key));
  }
}

// The table: schema entries, defaults in config(), round trips and other values.
void check_configurable(const std::string& where, const json& schema,
                        const std::function<json(const json&)>& config_of, json base) {
  for (const auto& [key, spec] : schema.items()) check_schema_entry(where, key, spec);
  const json c = config_of(base);
  BOOST_TEST_CONTEXT(where << " config " << c.dump()) {
    for (const auto& [key, value] : c.items())
      if (key != "type" && key != "name") BOOST_TEST(schema.contains(key), key << " is not in the schema");
    for (const auto& [key, spec] : schema.items()) {
      if (base.contains(key)) BOOST_TEST(c.at(key) == (spec.at("type") == "int|list" ? json::array({base[key], base[key]}) : base[key]));
      else if (!spec.at("default").is_null()) BOOST_TEST(c.value(key, json()) == normalised_default(spec), key);
    }
    BOOST_TEST(config_of(c) == c);
  }
  for (const auto& [key, spec] : schema.items()) {
    const json v = other_value(spec);
    if (v.is_null()) continue;
    json options = base;
    options[key] = v;
    const json changed = config_of(options);
    BOOST_TEST_CONTEXT(where << " with " << key << " = " << v.dump()) {
      BOOST_TEST(changed.value(key, json()) == v);
      BOOST_TEST(config_of(changed) == changed);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_layer_s_schema_defaults_and_config_agree) {
  const Registry& r = plugins();
  BOOST_TEST_REQUIRE(r.layers.list().size() >= 15u);
  for (const FactoryInfo& info : r.layers.list()) {
    json base = minimal_options(info.parameters);
    const auto config_of = [&](const json& options) {
      json o = options;
      o["type"] = info.name;
      return r.make_layer(o)->config();
    };
    check_configurable("layer " + info.name, info.parameters, config_of, base);
    check_unknown_key("layer " + info.name, info.parameters, [&](const json& o) { (void)config_of(o); }, base);
  }
}

BOOST_AUTO_TEST_CASE(every_optimizer_s_schema_defaults_and_config_agree) {
  const Registry& r = plugins();
  BOOST_TEST_REQUIRE(r.optimizers.list().size() >= 4u);
  for (const FactoryInfo& info : r.optimizers.list()) {
    const auto config_of = [&](const json& options) {
      json o = options;
      o["type"] = info.name;
      return r.make_optimizer(o)->config();
    };
    check_configurable("optimizer " + info.name, info.parameters, config_of, json::object());
    check_unknown_key("optimizer " + info.name, info.parameters, [&](const json& o) { (void)config_of(o); },
                      json::object());
  }
}

BOOST_AUTO_TEST_CASE(every_dataset_s_schema_holds_valid_defaults_and_refuses_unknown_keys) {
  const Registry& r = plugins();
  BOOST_TEST_REQUIRE(r.datasets.list().size() >= 7u);
  for (const FactoryInfo& info : r.datasets.list()) {
    json defaults = json::object();
    for (const auto& [key, spec] : info.parameters.items()) {
      check_schema_entry("dataset " + info.name, key, spec);
      if (!spec.at("default").is_null()) defaults[key] = spec.at("default");
    }
    // The schema's defaults are values the description accepts; a wrong type is refused
    // naming the key.
    BOOST_TEST(error_of([&] { (void)r.datasets.create(info.name, defaults); }) == "", info.name);
    for (const auto& [key, spec] : info.parameters.items()) {
      const json wrong = spec.at("type") == "object" ? json(1) : json::object();
      const std::string e = error_of([&] { (void)r.datasets.create(info.name, {{key, wrong}}); });
      BOOST_TEST(contains(e, "'" + key + "'"), info.name << "." << key << ": " << e);
    }
    check_unknown_key("dataset " + info.name, info.parameters,
                      [&](const json& o) { (void)r.datasets.create(info.name, o); }, json::object());
  }
}

BOOST_AUTO_TEST_CASE(callback_sections_refuse_unknown_keys_naming_the_known_ones) {
  const std::vector<std::pair<json, std::vector<std::string>>> cases = {
      {{{"early_stopping", {{"paitence", 1}}}}, {"monitor", "patience", "min_delta", "restore_best_weights"}},
      {{{"lr_schedule", {{"type", "step"}, {"paitence", 1}}}}, {"factor", "step_size"}},
      {{{"lr_schedule", {{"type", "exponential"}, {"paitence", 1}}}}, {"decay_rate", "decay_epochs"}},
      {{{"lr_schedule", {{"type", "reduce_on_plateau"}, {"paitence", 1}}}},
       {"monitor", "factor", "patience", "min_delta", "cooldown", "min_lr"}},
      {{{"checkpoint", {{"paitence", 1}}}}, {"monitor", "save_best_only"}},
  };
  for (const auto& [train, known] : cases) {
    const std::string e = error_of([&] { callbacks_from_config(train, 0.1, "/tmp", "exp.json"); });
    BOOST_TEST_CONTEXT(train.dump() << ": " << e) {
      BOOST_TEST(contains(e, "exp.json: train."));
      BOOST_TEST(contains(e, "unknown key 'paitence'"));
      for (const std::string& k : known) BOOST_TEST(contains(e, k));
    }
  }
}

BOOST_AUTO_TEST_CASE(read_options_checks_types_ranges_choices_and_sizes) {
  OptionSpec rate{"rate", "float", 0.5, 0, 1, "fraction"};
  rate.max_open = true;
  OptionSpec mode{"mode", "string", "a", -kUnbounded, kUnbounded, "mode", {"a", "b"}};
  const std::vector<OptionSpec> spec = {
      {"units", "int", nullptr, 1, kUnbounded, "units", {}, true},
      rate,
      mode,
      {"size", "int|list", 2, 1, kUnbounded, "size"},
      {"flag", "bool", false, -kUnbounded, kUnbounded, "flag"}};
  BOOST_TEST(read_options(spec, {{"units", 3.0}}, "w") ==
             (json{{"units", 3}, {"rate", 0.5}, {"mode", "a"}, {"size", {2, 2}}, {"flag", false}}));
  BOOST_TEST(read_options(spec, {{"units", 1}, {"size", {3, 4}}, {"rate", nullptr}}, "w").at("size") == json({3, 4}));
  const std::vector<std::pair<json, std::string>> refused = {
      {json::object(), "w: missing required option 'units'"},
      {{{"units", 0}}, "w: 'units' must be a positive integer, got 0"},
      {{{"units", 1.5}}, "w: 'units' must be a positive integer, got 1.5"},
      {{{"units", 1}, {"rate", 1}}, "w: 'rate' must be a number in [0, 1), got 1"},
      {{{"units", 1}, {"rate", "half"}}, "w: 'rate' must be a number in [0, 1), got \"half\""},
      {{{"units", 1}, {"mode", "c"}}, "w: 'mode' is 'c' (expected one of: a, b)"},
      {{{"units", 1}, {"size", {3}}}, "w: 'size' must be a positive integer or a list [height, width] of them, got [3]"},
      {{{"units", 1}, {"size", {0, 2}}}, "w: 'size' must be a positive integer or a list [height, width] of them, got [0,2]"},
      {{{"units", 1}, {"flag", 1}}, "w: 'flag' must be true or false, got 1"},
      {{{"units", 1}, {"unit", 1}}, "w: unknown key 'unit' (known: units, rate, mode, size, flag)"},
      {json::array(), "w: expected an object, got []"},
  };
  for (const auto& [given, message] : refused) BOOST_TEST(error_of([&] { read_options(spec, given, "w"); }) == message);
  BOOST_TEST(options_schema(spec).at("rate") ==
             (json{{"type", "float"}, {"default", 0.5}, {"help", "fraction"}, {"min", 0.0}, {"max", 1.0}, {"max_exclusive", true}}));
  BOOST_TEST(options_schema(spec).at("units").at("required") == true);
}
