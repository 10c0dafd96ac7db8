#pragma once
// One description per option: name, type, default, range and help. The same list drives
// parsing (types, ranges, defaults), the unknown-key error, the summaries' parameters and
// the registry's schema (the web page's forms), so an option is written down once.
//
//   const std::vector<OptionSpec> kOptions = {
//       {"gamma", "float", 0.25, 0, kUnbounded, "weight of the positive parameters"}};
//   json v = parse_options(kOptions, spec, fallbacks, "composite.conv");  // {"gamma": 0.25}
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::explain {

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

struct OptionSpec {
  std::string name;
  std::string type = "float";  // float, int or bool
  // The value when none is given; null when the owner derives it from other options (the
  // help says how), so parse_options leaves it out.
  nlohmann::json default_value = nullptr;
  double min = -kUnbounded, max = kUnbounded;  // inclusive range of a number
  std::string help;

  // {"type", "default", "min", "max" (when bounded), "help"}: the registry's schema entry.
  nlohmann::json schema() const;
};

// name -> schema() for every option (FactoryInfo::parameters).
nlohmann::json options_schema(const std::vector<OptionSpec>& options);
// "epsilon, gamma" or "none".
std::string option_names(const std::vector<OptionSpec>& options);

// The values of `options`: a key of `given` (an object; keys listed in `ignore` skipped),
// else a key of `fallbacks` (shared values such as the CLI's --rule-param; keys the
// options do not know are not looked at), else the default. Numbers may come as numeric
// strings (command-line values). Throws ConfigError naming `where` and the key for an
// unknown key in `given`, a value of the wrong type or out of range.
nlohmann::json parse_options(const std::vector<OptionSpec>& options, const nlohmann::json& given,
                             const nlohmann::json& fallbacks, const std::string& where,
                             const std::vector<std::string>& ignore = {});

}  // namespace glassbox::explain
