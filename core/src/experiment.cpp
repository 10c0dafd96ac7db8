#include "glassbox/experiment.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "glassbox/callback.h"
#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/json_text.h"
#include "glassbox/shape_check.h"
#include "glassbox/experiment_schema.h"

namespace glassbox {

using nlohmann::json;

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

const char* const kSections[] = {"data",       "model",      "train",      "explain", "signatures",
                                 "similarity", "projection", "concepts",   "sweep"};

const schema::Rule* find_rule(const std::string& path) {
  for (const auto& r : schema::rules())
    if (path == r.path) return &r;
  return nullptr;
}

// The known keys directly under `prefix` ("" for the top level, "train" for a section).
std::vector<std::string> keys_under(const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& r : schema::rules()) {
    const std::string p = r.path;
    if (prefix.empty()) {
      if (p.find('.') == std::string::npos) out.push_back(p);
    } else if (p.rfind(prefix + ".", 0) == 0 && p.find('.', prefix.size() + 1) == std::string::npos) {
      out.push_back(p.substr(prefix.size() + 1));
    }
  }
  if (prefix.empty()) out.insert(out.end(), std::begin(kSections), std::end(kSections));
  return out;
}

// The known key nearest to `key` within 2 edits, or "".
std::string nearest(const std::string& key, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& k : known) {
    std::size_t d = edit_distance(key, k);
    if (d < best_d) best_d = d, best = k;
  }
  return best;
}

void check_known(const json& value, const std::string& prefix, const std::string& source) {
  const std::vector<std::string> known = keys_under(prefix);
  for (const auto& [key, v] : value.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string here = prefix.empty() ? key : prefix + "." + key;
    const std::string best = nearest(key, known);
    std::string msg = source + ": unknown key '" + here + "'";
    if (!best.empty()) msg += ", did you mean '" + (prefix.empty() ? best : prefix + "." + best) + "'?";
    throw ConfigError(msg);
  }
}

bool type_matches(const json& v, unsigned types) {
  using namespace schema;
  return ((types & kNull) && v.is_null()) || ((types & kString) && v.is_string()) ||
         ((types & kBool) && v.is_boolean()) || ((types & kInt) && v.is_number_integer()) ||
         ((types & kNumber) && v.is_number()) || ((types & kObject) && v.is_object()) ||
         ((types & kList) && v.is_array());
}

bool in_range(const json& v, const schema::Rule& r) {
  if (!v.is_number()) return true;
  const double x = v.is_number_unsigned() ? static_cast<double>(v.get<std::uint64_t>())
                   : v.is_number_integer() ? static_cast<double>(v.get<std::int64_t>())
                                           : v.get<double>();
  if (!std::isfinite(x)) return false;
  return (r.lo_open ? x > r.lo : x >= r.lo) && (r.hi_open ? x < r.hi : x <= r.hi);
}

// Replaces invalid UTF-8 (a --set value is taken as raw bytes when it is not JSON):
// dump() would throw a json type_error instead of the ConfigError being built.
std::string shown(const json& v) {
  std::string d = v.dump(-1, ' ', false, json::error_handler_t::replace);
  return d.size() > 80 ? d.substr(0, 77) + "..." : d;
}

// An output a run writes must land inside its results folder: plain components only.
void check_output_name(const json& v, const std::string& key, const std::string& source) {
  if (!v.is_string()) return;
  const std::string name = v.get<std::string>();
  if (!is_inside_results_name(name))
    throw ConfigError(source + ": " + key + ": must be a file name inside the results folder, got '" +
                      name.substr(0, 200) + "'");
}

bool is_output_key(const std::string& key) {
  for (const char* w : {"path", "file", "dir", "output", "log"})
    if (key.find(w) != std::string::npos) return true;
  return false;
}

// Every string under an output-like key (or every string, under "output") is a name
// inside the results folder.
void check_names_inside(const json& v, const std::string& path, bool all, const std::string& source) {
  if (v.is_string() && all) return check_output_name(v, path, source);
  if (v.is_object())
    for (const auto& [k, x] : v.items()) check_names_inside(x, path + "." + k, all || is_output_key(k), source);
  if (v.is_array())
    for (std::size_t i = 0; i < v.size(); ++i) check_names_inside(v[i], path + "." + std::to_string(i), all, source);
}

// `label` names the value in messages ("exp.json: train.epochs"); the file-name checks
// name it by `source` and the rule's path.
void check_value(const json& v, const schema::Rule& r, const std::string& label, const std::string& source) {
  const std::string bad = label + ": expected " + r.expected + ", got " + shown(v);
  if (!type_matches(v, r.types) || !in_range(v, r)) throw ConfigError(bad);
  if (v.is_array() && r.items)
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!type_matches(v[i], r.items) || !in_range(v[i], r))
        throw ConfigError(label + "." + std::to_string(i) + ": expected " + r.expected + ", got " + shown(v[i]));
  switch (r.special) {
    case schema::Special::shape:
      if (!v.is_null()) (void)shape_from_json(v, label);
      break;
    case schema::Special::file_name:
      check_output_name(v, r.path, source);
      break;
    case schema::Special::file_names_inside:
      check_names_inside(v, r.path, std::string(r.path) == "output", source);
      break;
    case schema::Special::none:
      break;
  }
}

// Checks the keys present under `node` (at `prefix`) against their rules, one level down
// for rules of nested keys such as train.optimizer.learning_rate.
void check_values(const json& node, const std::string& prefix, const std::string& source) {
  for (const auto& [key, v] : node.items()) {
    const std::string here = prefix.empty() ? key : prefix + "." + key;
    if (const schema::Rule* r = find_rule(here)) check_value(v, *r, source + ": " + r->path, source);
    if (!v.is_object()) continue;
    for (const auto& [k2, v2] : v.items())
      if (const schema::Rule* r2 = find_rule(here + "." + k2); r2 && !prefix.empty())
        check_value(v2, *r2, source + ": " + r2->path, source);
  }
}

}  // namespace

std::string Experiment::name() const {
  if (config.contains("name") && config["name"].is_string()) return config["name"].get<std::string>();
  return "experiment";
}

unsigned long long Experiment::seed() const {
  if (config.contains("seed")) return config["seed"].get<unsigned long long>();
  return 42;
}

const json& Experiment::section(const std::string& key) const {
  static const json empty = json::object();
  if (!config.contains(key)) return empty;
  return config.at(key);
}

void apply_override(json& config, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set '" + assignment + "': expected key.path=value");
  std::string path = assignment.substr(0, eq);
  std::string text = assignment.substr(eq + 1);
  json value;
  try {
    value = parse_json_text(text, "--set '" + assignment + "'");
  } catch (const JsonTextError& e) {
    if (e.reason.find("nested deeper") != std::string::npos) throw ConfigError(e.what());
    value = text;
  }
  json* node = &config;
  std::stringstream ss(path);
  std::string part;
  std::vector<std::string> parts;
  while (std::getline(ss, part, '.')) parts.push_back(part);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) throw ConfigError("--set '" + assignment + "': empty key in path");
    if (node->is_array()) {
      std::size_t idx = 0;
      try {
        idx = std::stoul(parts[i]);
      } catch (...) {
        throw ConfigError("--set '" + assignment + "': '" + parts[i] + "' must be an index into a list");
      }
      if (idx >= node->size()) throw ConfigError("--set '" + assignment + "': index " + parts[i] + " out of range");
      node = &(*node)[idx];
    } else {
      if (!node->is_object()) *node = json::object();
      node = &(*node)[parts[i]];
    }
  }
  *node = value;
}

bool is_inside_results_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    const std::string part = name.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (unsigned char c : part)
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') return false;
    start = end + 1;
  }
  return true;
}

void validate_experiment(const json& config, const std::string& source) {
  if (!config.is_object()) throw ConfigError(source + ": an experiment must be a JSON object");
  check_known(config, "", source);
  for (const char* section : kSections) {
    if (!config.contains(section)) continue;
    const json& sec = config[section];
    if (!sec.is_object())
      throw ConfigError(source + ": '" + section + "' must be an object, got " + shown(sec));
    check_known(sec, section, source);
  }
  check_values(config, "", source);
  for (const char* section : kSections)
    if (config.contains(section)) check_values(config[section], section, source);
  const json& model = config.contains("model") ? config["model"] : json();
  if (model.contains("layers"))
    for (std::size_t i = 0; i < model["layers"].size(); ++i)
      if (!model["layers"][i].contains("type") || !model["layers"][i]["type"].is_string())
        throw ConfigError(source + ": 'model.layers." + std::to_string(i) + "' needs a \"type\" (a layer name)");
  const json& train = config.contains("train") ? config["train"] : json();
  // The callbacks' own checks (schedule types and factors, patience...) at validation
  // time too, not only once data is loaded; no results folder, so nothing is written.
  if (train.is_object()) (void)callbacks_from_config(train, 1e-3, "", source);
  if (train.contains("optimizer") && train["optimizer"].is_object() &&
      !(train["optimizer"].contains("type") && train["optimizer"]["type"].is_string()))
    throw ConfigError(source + ": train.optimizer.type: expected an optimizer name, got " +
                      shown(train["optimizer"].value("type", json())));
}

void validate_section(const json& section, const std::string& name, const std::string& where) {
  if (section.is_null()) return;
  if (!section.is_object()) throw ConfigError(where + ": expected an object, got " + shown(section));
  const std::vector<std::string> known = keys_under(name);
  for (const auto& [key, v] : section.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const std::string best = nearest(key, known);
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw ConfigError(where + "." + key + ": unknown key" + (best.empty() ? "" : ", did you mean '" + best + "'?") +
                        " (known: " + list + ")");
    }
    if (const schema::Rule* r = find_rule(name + "." + key)) check_value(v, *r, where + "." + key, where);
  }
}

Experiment parse_experiment(const std::string& text, const std::string& source,
                            const std::vector<std::string>& overrides) {
  Experiment e;
  e.source = source;
  try {
    e.config = parse_json_text(text, source);
  } catch (const JsonTextError& err) {
    throw ConfigError(err.what());
  }
  for (const auto& o : overrides) apply_override(e.config, o);
  validate_experiment(e.config, source);
  return e;
}

Experiment load_experiment(const std::string& path, const std::vector<std::string>& overrides) {
  // A regular file only (a FIFO would block); a bad experiment file is a configuration error.
  std::string text;
  try {
    text = read_regular_file(path, kMaxJsonFileBytes, "experiment file");
  } catch (const DataError& e) {
    if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) throw ConfigError(path + ": cannot open experiment file");
    throw ConfigError(e.what());
  }
  return parse_experiment(text, path, overrides);
}

}  // namespace glassbox
