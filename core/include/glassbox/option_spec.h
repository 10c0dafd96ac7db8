#pragma once
// One description per option: name, type, default, range, choices and help. The same list
// drives parsing (types, ranges, choices, defaults), the unknown-key error, what config()
// and the summaries write back (the parsed values) and the registry's schema (the web
// page's forms), so an option is written down once. Layers, optimizers, datasets,
// callbacks and LRP rules all describe their options this way.
//
//   const std::vector<OptionSpec> kOptions = {
//       {"units", "int", nullptr, 1, kUnbounded, "number of output units", {}, true},
//       {"rate", "float", 0.5, 0, 1, "fraction dropped"}};   // kOptions[1].max_open = true
//   json v = read_options(kOptions, given, "dense_1");       // {"units": 3, "rate": 0.5}
//   info.parameters = options_schema(kOptions);
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox {

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

struct OptionSpec {
  std::string name;
  // float, int, bool, string, list, object; "int|list" is a size: a positive integer n or
  // a pair [height, width], read as the pair [n, n] or [height, width]; other "a|b" types
  // accept a value of either type (checked no further).
  std::string type = "float";
  // The value when none is given; null when there is none (the option is then left out
  // of the values, and the owner derives it from other options or goes without: the help
  // says which).
  nlohmann::json default_value = nullptr;
  double min = -kUnbounded, max = kUnbounded;  // range of a number (or of a size's parts)
  std::string help;
  std::vector<std::string> choices = {};  // a string option: the accepted values (empty: any)
  bool required = false;             // a value must be given
  bool min_open = false, max_open = false;  // (min, ...) / (..., max) instead of [min, max]

  // {"type", "default", "help", "choices" (when listed), "min"/"max" (when bounded),
  // "required" (when set)}: the registry's schema entry, which the page's forms read.
  nlohmann::json schema() const;
};

// name -> schema() for every option (FactoryInfo::parameters).
nlohmann::json options_schema(const std::vector<OptionSpec>& options);
// "epsilon, gamma" or "none".
std::string option_names(const std::vector<OptionSpec>& options);

// The values of `options` read from `given` (an object or null; keys listed in `ignore`
// are skipped, a null value counts as not given; a number in a string is a wrong type),
// else the default. A size is returned as
// [height, width], a whole number as an integer. Throws ConfigError starting with `where`:
// "unknown key 'k' (known: a, b)", "missing required option 'k'", or "'k' must be <what
// the description accepts>, got <value>".
nlohmann::json read_options(const std::vector<OptionSpec>& options, const nlohmann::json& given,
                            const std::string& where, const std::vector<std::string>& ignore = {});

// As read_options, for parameters shared across several owners (LRP rules): a key of
// `given`, else a key of `fallbacks` (the CLI's --rule-param; keys the options do not know
// are not looked at), else the default. Numbers may come as numeric strings (command-line
// values); a float option's text is read as float. An unknown key is an "unknown
// parameter", a null value is refused.
nlohmann::json parse_options(const std::vector<OptionSpec>& options, const nlohmann::json& given,
                             const nlohmann::json& fallbacks, const std::string& where,
                             const std::vector<std::string>& ignore = {});

}  // namespace glassbox
