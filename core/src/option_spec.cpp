#include "glassbox/option_spec.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>

#include "glassbox/error.h"

namespace glassbox {

using nlohmann::json;

namespace {

std::string number_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
  return s;
}

std::vector<std::string> alternatives(const std::string& type) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t bar; (bar = type.find('|', start)) != std::string::npos; start = bar + 1)
    out.push_back(type.substr(start, bar - start));
  out.push_back(type.substr(start));
  return out;
}

std::string number_expected(const OptionSpec& o, const std::string& type) {
  const bool whole = type == "int";
  if (whole && o.min == 1 && o.max == kUnbounded) return "a positive integer";
  if (whole && o.min == 0 && o.max == kUnbounded && !o.min_open) return "a non-negative integer";
  const std::string what = whole ? "a whole number" : "a number";
  if (o.min == -kUnbounded && o.max == kUnbounded) return what;
  const bool lo_open = o.min_open || o.min == -kUnbounded, hi_open = o.max_open || o.max == kUnbounded;
  return what + " in " + (lo_open ? "(" : "[") + number_text(o.min) + ", " + number_text(o.max) + (hi_open ? ")" : "]");
}

std::string expected(const OptionSpec& o, const std::string& type) {
  if (type == "int|list") return "a positive integer or a list [height, width] of them";
  if (type.find('|') != std::string::npos) {
    std::string s;
    for (const std::string& t : alternatives(type)) s += (s.empty() ? "" : " or ") + expected(o, t);
    return s;
  }
  if (type == "bool") return "true or false";
  if (type == "string") return "a string";
  if (type == "list") return "a list";
  if (type == "object") return "an object";
  return number_expected(o, type);
}

// A command-line value arrives as text when it is not JSON ("1e-3" is, ".5" is not). A
// float option's text is read straight as float, as the rules always read it.
json from_text(const json& v, const std::string& type) {
  if (!v.is_string() || (type != "float" && type != "int")) return v;
  const std::string s = v.get<std::string>();
  try {
    std::size_t used = 0;
    const json d = type == "float" ? json(std::stof(s, &used)) : json(std::stod(s, &used));
    if (used == s.size()) return d;
  } catch (const std::exception&) {
  }
  return v;
}

bool in_range(const OptionSpec& o, double d) {
  return std::isfinite(d) && (o.min_open ? d > o.min : d >= o.min) && (o.max_open ? d < o.max : d <= o.max);
}

// The value as the description reads it, or null when `type` does not accept it.
json accepted(const OptionSpec& o, const std::string& type, const json& v) {
  if (type == "bool") return v.is_boolean() ? v : json();
  if (type == "string") return v.is_string() ? v : json();
  if (type == "list") return v.is_array() ? v : json();
  if (type == "object") return v.is_object() ? v : json();
  if (type == "int|list") {
    OptionSpec part = o;
    if (part.min == -kUnbounded) part.min = 1;
    const json pair = v.is_array() ? v : json::array({v, v});
    if (pair.size() != 2) return json();
    json out = json::array();
    for (const json& x : pair) {
      if (!x.is_number_integer()) return json();
      out.push_back(accepted(part, "int", x));
      if (out.back().is_null()) return json();
    }
    return out;
  }
  if (!v.is_number()) return json();
  const double d = v.get<double>();
  if (!in_range(o, d)) return json();
  if (type != "int" || !v.is_number_float()) return v;
  // A whole number written as a float, read as an integer where that is exact.
  if (d != std::floor(d) || std::fabs(d) > 9007199254740992.0) return json();
  return json(static_cast<std::int64_t>(d));
}

// The value of option o as read from `raw`, or a ConfigError naming `where` and the key.
// With `text_numbers`, a numeric string counts as its number (command-line values).
json checked(const OptionSpec& o, const json& raw, const std::string& where, bool text_numbers) {
  const json v = text_numbers ? from_text(raw, o.type) : raw;
  json out;
  const std::vector<std::string> types = o.type == "int|list" ? std::vector<std::string>{o.type} : alternatives(o.type);
  for (const std::string& t : types)
    if (!(out = accepted(o, t, v)).is_null()) break;
  if (out.is_null())
    throw ConfigError(where + ": '" + o.name + "' must be " + expected(o, o.type) + ", got " + raw.dump());
  if (out.is_string() && !o.choices.empty() &&
      std::find(o.choices.begin(), o.choices.end(), out.get<std::string>()) == o.choices.end())
    throw ConfigError(where + ": '" + o.name + "' is '" + out.get<std::string>() +
                      "' (expected one of: " + join(o.choices) + ")");
  return out;
}

bool listed(const std::vector<std::string>& keys, const std::string& k) {
  return std::find(keys.begin(), keys.end(), k) != keys.end();
}

void refuse_unknown(const std::vector<OptionSpec>& options, const json& given, const std::string& where,
                    const std::vector<std::string>& ignore, const char* noun) {
  if (given.is_null()) return;
  if (!given.is_object()) throw ConfigError(where + ": expected an object, got " + given.dump().substr(0, 80));
  for (const auto& item : given.items()) {
    const std::string& k = item.key();  // a plain reference: lambdas cannot capture structured bindings in C++17
    if (listed(ignore, k)) continue;
    if (std::none_of(options.begin(), options.end(), [&](const OptionSpec& o) { return o.name == k; }))
      throw ConfigError(where + ": unknown " + noun + " '" + k + "' (known: " + option_names(options) + ")");
  }
}

}  // namespace

json OptionSpec::schema() const {
  json j{{"type", type}, {"default", default_value}, {"help", help}};
  if (!choices.empty()) j["choices"] = choices;
  if (min != -kUnbounded) j["min"] = min;
  if (max != kUnbounded) j["max"] = max;
  if (min_open) j["min_exclusive"] = true;
  if (max_open) j["max_exclusive"] = true;
  if (required) j["required"] = true;
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

json read_options(const std::vector<OptionSpec>& options, const json& given, const std::string& where,
                  const std::vector<std::string>& ignore) {
  refuse_unknown(options, given, where, ignore, "key");
  json out = json::object();
  for (const OptionSpec& o : options) {
    const bool present = given.is_object() && given.contains(o.name) && !given[o.name].is_null();
    if (present) out[o.name] = checked(o, given[o.name], where, false);
    else if (o.required) throw ConfigError(where + ": missing required option '" + o.name + "'");
    else if (!o.default_value.is_null()) out[o.name] = checked(o, o.default_value, where, false);
  }
  return out;
}

json parse_options(const std::vector<OptionSpec>& options, const json& given, const json& fallbacks,
                   const std::string& where, const std::vector<std::string>& ignore) {
  if (given.is_object()) refuse_unknown(options, given, where, ignore, "parameter");
  json out = json::object();
  for (const OptionSpec& o : options) {
    if (given.is_object() && given.contains(o.name)) out[o.name] = checked(o, given[o.name], where, true);
    else if (fallbacks.is_object() && fallbacks.contains(o.name))
      out[o.name] = checked(o, fallbacks[o.name], where, true);
    else if (!o.default_value.is_null()) out[o.name] = o.default_value;
  }
  return out;
}

}  // namespace glassbox
