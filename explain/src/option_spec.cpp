#include "glassbox/explain/option_spec.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "glassbox/error.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string expected(const OptionSpec& o) {
  if (o.type == "bool") return "true or false";
  std::string what = o.type == "int" ? "a whole number" : "a number";
  if (o.min == -kUnbounded && o.max == kUnbounded) return what;
  return what + " in " + (o.min == -kUnbounded ? "(" : "[") + number_text(o.min) + ", " + number_text(o.max) +
         (o.max == kUnbounded ? ")" : "]");
}

// A command-line value arrives as text when it is not JSON ("1e-3" is, ".5" is not). A
// float option's text is read straight as float, as the rules always read it.
json from_text(const json& v, const std::string& type) {
  if (!v.is_string()) return v;
  const std::string s = v.get<std::string>();
  try {
    std::size_t used = 0;
    const json d = type == "float" ? json(std::stof(s, &used)) : json(std::stod(s, &used));
    if (used == s.size()) return d;
  } catch (const std::exception&) {
  }
  return v;
}

json checked(const OptionSpec& o, const json& raw, const std::string& where) {
  const json v = o.type == "bool" ? raw : from_text(raw, o.type);
  auto refuse = [&]() -> json {
    throw ConfigError(where + ": '" + o.name + "' must be " + expected(o) + ", got " + raw.dump());
  };
  if (o.type == "bool") return v.is_boolean() ? v : refuse();
  if (!v.is_number()) return refuse();
  const double d = v.get<double>();
  if (!std::isfinite(d) || d < o.min || d > o.max) return refuse();
  if (o.type == "int" && d != std::floor(d)) return refuse();
  return v;
}

}  // namespace

json OptionSpec::schema() const {
  json j{{"type", type}, {"default", default_value}, {"help", help}};
  if (min != -kUnbounded) j["min"] = min;
  if (max != kUnbounded) j["max"] = max;
  return j;
}

json options_schema(const std::vector<OptionSpec>& options) {
  json j = json::object();
  for (const OptionSpec& o : options) j[o.name] = o.schema();
  return j;
}

std::string option_names(const std::vector<OptionSpec>& options) {
  std::string s;
  for (const OptionSpec& o : options) s += (s.empty() ? "" : ", ") + o.name;
  return s.empty() ? "none" : s;
}

json parse_options(const std::vector<OptionSpec>& options, const json& given, const json& fallbacks,
                   const std::string& where, const std::vector<std::string>& ignore) {
  auto find = [&](const std::string& k) {
    return std::find_if(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == k; });
  };
  if (given.is_object())
    for (const auto& [k, v] : given.items())
      if (std::find(ignore.begin(), ignore.end(), k) == ignore.end() && find(k) == options.end())
        throw ConfigError(where + ": unknown parameter '" + k + "' (known: " + option_names(options) + ")");
  json out = json::object();
  for (const OptionSpec& o : options) {
    if (given.is_object() && given.contains(o.name)) out[o.name] = checked(o, given[o.name], where);
    else if (fallbacks.is_object() && fallbacks.contains(o.name)) out[o.name] = checked(o, fallbacks[o.name], where);
    else if (!o.default_value.is_null()) out[o.name] = o.default_value;
  }
  return out;
}

}  // namespace glassbox::explain
