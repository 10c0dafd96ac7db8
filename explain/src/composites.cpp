#include "glassbox/explain/composites.h"

#include <algorithm>

#include "glassbox/error.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

const std::vector<std::string> kMatcherKeys = {"kind", "type", "name", "index", "position"};
const std::vector<std::string> kKinds = {"dense", "conv", "avg_pool", "normalization", "linear"};
const std::vector<std::string> kPositions = {"first_linear", "last_linear"};
const std::vector<std::string> kEntryKeys = {"match", "rule"};
const std::vector<std::string> kObjectKeys = {"name", "base", "rules", "dense", "conv", "avg_pool",
                                              "normalization", "first", "layers"};
// Definitions naming each other deeper than this are a cycle.
constexpr int kMaxDepth = 16;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
bool among(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }
// A user's value in a message, cut short.
std::string shown(const json& v) {
  const std::string s = v.dump();
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}
void check_keys(const json& j, const std::vector<std::string>& known, const std::string& where) {
  for (const auto& [k, v] : j.items())
    if (!among(known, k)) throw ConfigError(where + ": unknown key '" + k + "' (known: " + join(known) + ")");
}

json rule_json(const RulePtr& r) {
  json j = r->parameters();
  j["rule"] = r->name();
  return j;
}

json entry(json match, json rule) { return {{"match", std::move(match)}, {"rule", std::move(rule)}}; }
json kind(const char* k) { return {{"kind", k}}; }
json first_linear() { return {{"position", "first_linear"}}; }

struct Resolver {
  const json& params;
  const CompositeDefinitions& definitions;

  Composite resolve(const json& spec, const std::string& where, int depth) const {
    if (depth > kMaxDepth) throw ConfigError(where + ": composite definitions name each other in a cycle");
    if (spec.is_string()) return named(spec.get<std::string>(), where, depth);
    if (spec.is_array()) return Composite{"custom", entries(spec, where)};
    if (spec.is_object()) return object(spec, where, depth);
    throw ConfigError(where + ": a composite is a name, a list of {\"match\": ..., \"rule\": ...} entries or an "
                      "object, got " + shown(spec));
  }

  Composite named(const std::string& name, const std::string& where, int depth) const {
    if (definitions.is_object() && definitions.contains(name)) {
      Composite c = resolve(definitions[name], where + " (composite '" + name + "')", depth + 1);
      c.name = name;
      return c;
    }
    const CompositeRegistry& r = composite_registry();
    if (!r.contains(name)) {
      std::string local;
      if (definitions.is_object())
        for (const auto& [k, v] : definitions.items()) local += (local.empty() ? "" : ", ") + k;
      throw ConfigError(where + ": unknown LRP composite '" + name + "' (known: " + r.known() +
                        (local.empty() ? "" : "; defined in this file: " + local) +
                        "; or define one in the experiment file's explain.composites)");
    }
    return r.factory(name, where)(params, where);
  }

  std::vector<CompositeEntry> entries(const json& list, const std::string& where) const {
    if (!list.is_array())
      throw ConfigError(where + ": expected a list of {\"match\": {...}, \"rule\": RULE} entries, got " + shown(list));
    std::vector<CompositeEntry> out;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json& e = list[i];
      const std::string at = where + "." + std::to_string(i);
      if (!e.is_object()) throw ConfigError(at + ": expected {\"match\": {...}, \"rule\": RULE}, got " + shown(e));
      check_keys(e, kEntryKeys, at);
      if (!e.contains("rule")) throw ConfigError(at + ": missing \"rule\" (a rule name or {\"rule\": NAME, ...})");
      LayerMatcher m = e.contains("match") ? LayerMatcher::from_json(e["match"], at + ".match") : LayerMatcher{};
      out.push_back({std::move(m), make_rule(e["rule"], params, at + ".rule")});
    }
    return out;
  }

  // The object form: its rules by name, index, first and role become entries in that
  // precedence, tried before the base's (whose position entries keep their precedence
  // over this object's roles, as "first" had over the roles).
  Composite object(const json& spec, const std::string& where, int depth) const {
    check_keys(spec, kObjectKeys, where);
    if (spec.contains("name") && !spec["name"].is_string()) throw ConfigError(where + ".name: must be a string");
    Composite base;
    if (spec.contains("base")) {
      if (!spec["base"].is_string()) throw ConfigError(where + ".base: must be a composite name");
      base = named(spec["base"].get<std::string>(), where + ".base", depth + 1);
    } else {
      base.entries = entries(json::array({entry(kind("avg_pool"), "epsilon"), entry(kind("normalization"), "epsilon")}),
                             where + " (default)");
    }
    Composite c;
    c.name = spec.value("name", std::string("custom"));
    if (spec.contains("rules")) c.entries = entries(spec["rules"], where + ".rules");
    auto add = [&](LayerMatcher m, const json& rule, const std::string& at) {
      c.entries.push_back({std::move(m), make_rule(rule, params, at)});
    };
    if (spec.contains("layers")) {
      const json& layers = spec["layers"];
      if (!layers.is_object()) throw ConfigError(where + ".layers: must map layer indices or names to rules");
      for (bool by_name : {true, false})
        for (const auto& [k, v] : layers.items()) {
          const bool numeric = !k.empty() && k.size() < 10 && k.find_first_not_of("0123456789") == std::string::npos;
          if (numeric == by_name) continue;
          LayerMatcher m;
          if (numeric) m.index = std::stoul(k);
          else m.name = k;
          add(std::move(m), v, where + ".layers." + k);
        }
    }
    if (spec.contains("first")) add(LayerMatcher{"", "", "", "first_linear", {}}, spec["first"], where + ".first");
    for (const CompositeEntry& e : base.entries)
      if (!e.match.position.empty()) c.entries.push_back(e);
    for (const char* role : {"dense", "conv", "avg_pool", "normalization"})
      if (spec.contains(role)) add(LayerMatcher{role, "", "", "", {}}, spec[role], where + "." + role);
    for (const CompositeEntry& e : base.entries)
      if (e.match.position.empty()) c.entries.push_back(e);
    return c;
  }
};

void add_definition(CompositeRegistry& r, const std::string& name, const std::string& description,
                    const json& definition, const std::string& origin) {
  CompositeFactory make = [name, definition](const json& params, const std::string& where) {
    Composite c = Resolver{params, json::object()}.resolve(definition, where + " (composite '" + name + "')", 1);
    c.name = name;
    return c;
  };
  // Made once to check the definition now, not at its first use.
  (void)make(json::object(), "register_composite");
  r.add(FactoryInfo{name, description, {{"definition", definition}}, origin}, std::move(make));
}

// The built-ins, written as definitions: what an experiment file can write too.
void register_builtin_composites(CompositeRegistry& r) {
  const json tail = {entry(kind("avg_pool"), "epsilon"), entry(kind("normalization"), "epsilon")};
  auto with_tail = [&](json head) {
    for (const auto& e : tail) head.push_back(e);
    return head;
  };
  const json plus = with_tail({entry(kind("dense"), "epsilon"), entry(kind("conv"), "zplus")});
  const json gamma = with_tail({entry(kind("dense"), "epsilon"), entry(kind("conv"), "gamma")});
  const json alpha_beta = with_tail({entry(kind("dense"), "epsilon"), entry(kind("conv"), "alpha_beta")});
  auto flat = [](json base) {
    base.insert(base.begin(), entry(first_linear(), "flat"));
    return base;
  };
  json box = gamma;
  box.insert(box.begin(), entry(first_linear(), "zbox"));
  const char* b = "built-in";
  auto register_composite = [&r](const char* name, const char* description, const json& definition, const char* origin) {
    add_definition(r, name, description, definition, origin);
  };
  register_composite("epsilon-plus", "dense: epsilon, conv: z+ (zennit's EpsilonPlus)", plus, b);
  register_composite("epsilon-plus-flat", "epsilon-plus with flat on the first linear layer", flat(plus), b);
  register_composite("epsilon-gamma-box", "first linear layer: zB (low, high), conv: gamma, dense: epsilon", box, b);
  register_composite("epsilon-gamma-flat", "first linear layer: flat, conv: gamma, dense: epsilon", flat(gamma), b);
  register_composite("epsilon-alpha2-beta1", "dense: epsilon, conv: alpha-beta (alpha 2, beta 1)", alpha_beta, b);
  register_composite("epsilon-alpha2-beta1-flat", "epsilon-alpha2-beta1 with flat on the first linear layer",
                     flat(alpha_beta), b);
  register_composite("lrp0", "LRP-0 on every layer", json::array({entry(json::object(), "lrp0")}), b);
  register_composite("epsilon", "epsilon on every layer", json::array({entry(json::object(), "epsilon")}), b);
}

}  // namespace

bool LayerMatcher::matches(const LayerSlot& s) const {
  if (!kind.empty()) {
    if (kind == "linear" ? s.role == "normalization" || s.role.empty() : kind != s.role) return false;
  }
  if (!type.empty() && (!s.layer || s.layer->type() != type)) return false;
  if (!name.empty() && (!s.layer || s.layer->name() != name)) return false;
  if (index && *index != s.index) return false;
  if (position == "first_linear" && !s.first) return false;
  if (position == "last_linear" && !s.last) return false;
  return true;
}

json LayerMatcher::to_json() const {
  json j = json::object();
  if (!kind.empty()) j["kind"] = kind;
  if (!type.empty()) j["type"] = type;
  if (!name.empty()) j["name"] = name;
  if (index) j["index"] = *index;
  if (!position.empty()) j["position"] = position;
  return j;
}

LayerMatcher LayerMatcher::from_json(const json& j, const std::string& where) {
  if (!j.is_object())
    throw ConfigError(where + ": expected an object of " + join(kMatcherKeys) + " ({} matches every layer), got " +
                      shown(j));
  check_keys(j, kMatcherKeys, where);
  LayerMatcher m;
  auto text = [&](const char* key) {
    if (!j.contains(key)) return std::string();
    if (!j[key].is_string()) throw ConfigError(where + "." + key + ": expected a string, got " + shown(j[key]));
    return j[key].get<std::string>();
  };
  m.kind = text("kind");
  if (!m.kind.empty() && !among(kKinds, m.kind))
    throw ConfigError(where + ".kind: unknown kind '" + m.kind + "' (known: " + join(kKinds) + ")");
  m.type = text("type");
  m.name = text("name");
  m.position = text("position");
  if (m.position == "first" || m.position == "last") m.position += "_linear";
  if (!m.position.empty() && !among(kPositions, m.position))
    throw ConfigError(where + ".position: unknown position '" + m.position + "' (known: " + join(kPositions) + ")");
  if (j.contains("index")) {
    if (!j["index"].is_number_unsigned())
      throw ConfigError(where + ".index: expected a layer index (a non-negative integer), got " + shown(j["index"]));
    m.index = j["index"].get<std::size_t>();
  }
  return m;
}

RulePtr Composite::rule_for(const LayerSlot& slot) const {
  for (const CompositeEntry& e : entries)
    if (e.match.matches(slot)) return e.rule;
  return nullptr;
}

json Composite::to_json() const {
  json list = json::array();
  for (const CompositeEntry& e : entries) list.push_back(entry(e.match.to_json(), rule_json(e.rule)));
  return {{"name", name}, {"entries", list}};
}

CompositeRegistry& composite_registry() {
  static CompositeRegistry* registry = [] {
    auto* r = new CompositeRegistry("LRP composite");  // never destroyed: plugins may add until exit
    register_builtin_composites(*r);
    return r;
  }();
  return *registry;
}

void register_composite(const std::string& name, const std::string& description, const json& definition,
                        const std::string& origin) {
  add_definition(composite_registry(), name, description, definition, origin);
}

std::vector<std::string> composite_names() { return composite_registry().names(); }

Composite make_composite(const std::string& name, const json& rule_params, const CompositeDefinitions& definitions) {
  check_rule_params(rule_params, "rule parameters");
  return Resolver{rule_params, definitions}.named(name, "composite", 0);
}

Composite composite_from_json(const json& spec, const json& rule_params, const std::string& where,
                              const CompositeDefinitions& definitions) {
  check_rule_params(rule_params, "rule parameters");
  return Resolver{rule_params, definitions}.resolve(spec, where, 0);
}

void check_composite_definitions(const CompositeDefinitions& definitions, const json& rule_params,
                                 const std::string& where) {
  if (!definitions.is_object())
    throw ConfigError(where + ": expected an object of composite name -> definition, got " + shown(definitions));
  const Resolver r{rule_params, definitions};
  for (const auto& [name, definition] : definitions.items()) {
    if (composite_registry().contains(name))
      throw ConfigError(where + "." + name + ": a registered composite has this name; give the definition another");
    (void)r.resolve(definition, where + "." + name, 1);
  }
}

}  // namespace glassbox::explain
