#include "glassbox/explain/composites.h"

#include <algorithm>

#include "glassbox/error.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

json rule_json(const RulePtr& r) {
  if (!r) return nullptr;
  json j = r->parameters();
  j["rule"] = r->name();
  return j;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

RulePtr Composite::rule_for(const LayerSlot& slot) const {
  if (slot.layer) {
    auto n = by_name.find(slot.layer->name());
    if (n != by_name.end()) return n->second;
  }
  auto i = by_index.find(slot.index);
  if (i != by_index.end()) return i->second;
  if (slot.first && first) return first;
  if (slot.role == "dense") return dense;
  if (slot.role == "conv") return conv;
  if (slot.role == "avg_pool") return avg_pool;
  if (slot.role == "normalization") return normalization;
  return nullptr;
}

json Composite::to_json() const {
  json j{{"name", name},
         {"dense", rule_json(dense)},
         {"conv", rule_json(conv)},
         {"avg_pool", rule_json(avg_pool)},
         {"normalization", rule_json(normalization)},
         {"first", rule_json(first)}};
  json layers = json::object();
  for (const auto& [i, r] : by_index) layers[std::to_string(i)] = rule_json(r);
  for (const auto& [n, r] : by_name) layers[n] = rule_json(r);
  j["layers"] = layers;
  return j;
}

const std::vector<std::string>& composite_names() {
  static const std::vector<std::string> names = {
      "epsilon-plus",      "epsilon-plus-flat",        "epsilon-gamma-box",
      "epsilon-gamma-flat", "epsilon-alpha2-beta1",    "epsilon-alpha2-beta1-flat",
      "lrp0",              "epsilon"};
  return names;
}

Composite make_composite(const std::string& name, const json& rule_params) {
  const json& p = rule_params;
  auto rule = [&](const char* n) { return make_rule(json(n), p, "composite '" + name + "'"); };
  Composite c;
  c.name = name;
  c.avg_pool = rule("epsilon");
  c.normalization = rule("epsilon");
  std::string base = name;
  bool flat = false;
  if (ends_with(base, "-flat")) {
    flat = true;
    base = base.substr(0, base.size() - 5);
  }
  if (base == "epsilon-plus") {
    c.dense = rule("epsilon");
    c.conv = rule("zplus");
  } else if (base == "epsilon-gamma-box" || (flat && base == "epsilon-gamma")) {
    c.dense = rule("epsilon");
    c.conv = rule("gamma");
    if (!flat) c.first = rule("zbox");
  } else if (base == "epsilon-alpha2-beta1") {
    c.dense = rule("epsilon");
    c.conv = p.contains("alpha") || p.contains("beta") ? rule("alpha_beta") : rule("alpha2_beta1");
  } else if (base == "lrp0" && !flat) {
    c.dense = c.conv = c.avg_pool = c.normalization = rule("lrp0");
  } else if (base == "epsilon" && !flat) {
    c.dense = c.conv = rule("epsilon");
  } else {
    std::string known;
    for (const auto& n : composite_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("unknown LRP composite '" + name + "' (known: " + known +
                      ", or a user-defined one in the experiment file)");
  }
  if (flat) c.first = rule("flat");
  return c;
}

Composite composite_from_json(const json& spec, const json& rule_params, const std::string& where) {
  if (spec.is_string()) return make_composite(spec.get<std::string>(), rule_params);
  if (!spec.is_object())
    throw ConfigError(where + ": a composite is a name or an object, got " + spec.dump());
  static const std::vector<std::string> keys = {"name", "base", "dense", "conv", "avg_pool",
                                                "normalization", "first", "layers"};
  for (const auto& [k, v] : spec.items())
    if (std::find(keys.begin(), keys.end(), k) == keys.end())
      throw ConfigError(where + ": unknown key '" + k +
                        "' (known: name, base, dense, conv, avg_pool, normalization, first, layers)");
  Composite c;
  if (spec.contains("base")) {
    if (!spec["base"].is_string()) throw ConfigError(where + ".base: must be a composite name");
    c = make_composite(spec["base"].get<std::string>(), rule_params);
  } else {
    c.avg_pool = make_rule(json("epsilon"), rule_params, where);
    c.normalization = make_rule(json("epsilon"), rule_params, where);
  }
  c.name = spec.value("name", std::string("custom"));
  auto set = [&](const char* key, RulePtr& slot) {
    if (spec.contains(key)) slot = make_rule(spec[key], rule_params, where + "." + key);
  };
  set("dense", c.dense);
  set("conv", c.conv);
  set("avg_pool", c.avg_pool);
  set("normalization", c.normalization);
  set("first", c.first);
  if (spec.contains("layers")) {
    if (!spec["layers"].is_object())
      throw ConfigError(where + ".layers: must map layer indices or names to rules");
    for (const auto& [k, v] : spec["layers"].items()) {
      RulePtr r = make_rule(v, rule_params, where + ".layers." + k);
      bool numeric = !k.empty() && k.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) c.by_index[std::stoul(k)] = r;
      else c.by_name[k] = r;
    }
  }
  return c;
}

}  // namespace glassbox::explain
