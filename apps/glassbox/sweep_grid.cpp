#include "sweep_grid.h"

#include "glassbox/error.h"

namespace glassbox::app {

using nlohmann::json;

namespace {

// The value as --set takes it (apply_override): JSON when it parses, else the string.
json parse_value(const std::string& text) {
  json v = json::parse(text, nullptr, false);
  return v.is_discarded() ? json(text) : v;
}

std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      cur += c;
      if (c == '\\' && i + 1 < text.size())
        cur += text[++i];
      else if (c == '"')
        quoted = false;
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

}  // namespace

std::vector<std::string> GridPoint::overrides() const {
  std::vector<std::string> out;
  for (const auto& a : assignments) out.push_back(a.first + "=" + a.second);
  return out;
}

json GridPoint::to_json() const {
  json out = json::object();
  for (const auto& a : assignments) out[a.first] = parse_value(a.second);
  return out;
}

std::string GridPoint::label() const {
  std::string out;
  for (const auto& a : assignments) out += (out.empty() ? "" : ", ") + a.first + "=" + a.second;
  return out;
}

GridAxis parse_grid_argument(const std::string& argument) {
  const auto eq = argument.find('=');
  const std::string where = "--grid '" + argument + "'";
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(where + ": expected key.path=value1,value2,... (e.g. train.epochs=2,4)");
  GridAxis axis{argument.substr(0, eq), split_top_level(argument.substr(eq + 1))};
  for (std::size_t i = 0; i < axis.values.size(); ++i)
    if (axis.values[i].empty())
      throw ConfigError(where + ": value " + std::to_string(i + 1) + " is empty (values are separated by commas)");
  return axis;
}

std::vector<GridAxis> grid_from_section(const json& sweep, const std::string& source) {
  std::vector<GridAxis> axes;
  if (!sweep.contains("grid") || sweep["grid"].is_null()) return axes;
  for (const auto& item : sweep["grid"].items()) {
    const json& values = item.value();
    if (!values.is_array() || values.empty())
      throw ConfigError(source + ": sweep.grid." + item.key() + ": expected a non-empty list of values, got " +
                        values.dump());
    GridAxis axis{item.key(), {}};
    for (const auto& v : values) axis.values.push_back(v.dump());
    axes.push_back(std::move(axis));
  }
  return axes;
}

std::vector<GridPoint> expand_grid(const std::vector<GridAxis>& axes) {
  if (axes.empty())
    throw ConfigError("a sweep needs a grid: --grid key.path=value1,value2 or a \"sweep\": {\"grid\": {...}} section");
  std::size_t count = 1;
  for (std::size_t a = 0; a < axes.size(); ++a) {
    for (std::size_t b = 0; b < a; ++b)
      if (axes[a].key == axes[b].key) throw ConfigError("sweep grid: the key '" + axes[a].key + "' is given twice");
    count *= axes[a].values.size();
    if (count > kMaxSweepRuns)
      throw ConfigError("sweep grid: more than " + std::to_string(kMaxSweepRuns) + " runs; make the grid smaller");
  }
  std::vector<GridPoint> points(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t rest = i;
    for (std::size_t a = axes.size(); a-- > 0;) {
      const auto& axis = axes[a];
      points[i].assignments.insert(points[i].assignments.begin(), {axis.key, axis.values[rest % axis.values.size()]});
      rest /= axis.values.size();
    }
  }
  return points;
}

}  // namespace glassbox::app
