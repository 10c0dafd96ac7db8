#pragma once
// Composites: which LRP rule each layer gets, as an ordered list of (matcher -> rule)
// entries; the first entry whose matcher fits a layer gives its rule (zennit's layer_map).
//
// A matcher tests what the engine knows of a layer (LayerSlot); all the keys it sets must
// fit, and one without keys fits every layer:
//   kind      "dense" (a linear layer on flat inputs), "conv" (a linear layer with
//             parameters on image-shaped inputs), "avg_pool" (a linear layer without
//             parameters), "normalization" (a BatchNorm that could not be merged into the
//             linear layer before it), or "linear" (any of the first three)
//   type      the layer's type as registered ("conv2d", a plugin's type)
//   name      the layer's name ("dense_5")
//   index     the layer's index in the model
//   position  "first_linear" / "last_linear": the first / last layer of kind linear (the
//             input layer, where zB and flat belong; the output layer)
//
// Built-in composites (zennit's names and choices), in this form:
//   epsilon-plus           dense: epsilon, conv: z+
//   epsilon-gamma-box      first_linear: zB (low, high), conv: gamma, dense: epsilon
//   epsilon-alpha2-beta1   dense: epsilon, conv: alpha-beta (alpha 2, beta 1)
//   <any of these>-flat    the same with the flat rule on first_linear
//   lrp0, epsilon          one rule everywhere
// each ending with avg_pool: epsilon, normalization: epsilon (lrp0: lrp0).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/lrp_rules.h"
#include "glassbox/explain/named_registry.h"
#include "glassbox/layer.h"

namespace glassbox::explain {

// What a composite sees of a layer when it picks a rule.
struct LayerSlot {
  std::size_t index = 0;
  const Layer* layer = nullptr;
  std::string role;    // dense, conv, avg_pool, normalization
  bool first = false;  // the first linear layer
  bool last = false;   // the last linear layer
};

struct LayerMatcher {
  std::string kind, type, name, position;  // empty: any
  std::optional<std::size_t> index;

  bool matches(const LayerSlot& slot) const;
  nlohmann::json to_json() const;
  // From {"kind": ..., "type": ..., "name": ..., "index": ..., "position": ...}; throws
  // ConfigError naming `where` and the unknown key or value.
  static LayerMatcher from_json(const nlohmann::json& j, const std::string& where);
};

struct CompositeEntry {
  LayerMatcher match;
  RulePtr rule;
};

struct Composite {
  std::string name;
  std::vector<CompositeEntry> entries;  // the first match wins

  // The rule of the first entry matching the slot; null when none does (the engine then
  // names the layer in its error).
  RulePtr rule_for(const LayerSlot& slot) const;
  // {"name", "entries": [{"match", "rule"}]}
  nlohmann::json to_json() const;
};

// Makes a registered composite; `rule_params` ({"epsilon": 0.25, "gamma": 0.5, "low": -1,
// ...}) set the options of its rules, `where` prefixes the errors.
using CompositeFactory = std::function<Composite(const nlohmann::json& rule_params, const std::string& where)>;
using CompositeRegistry = NamedRegistry<CompositeFactory>;

// The process-wide registry with the built-ins above. A plugin adds its own, most simply
// as a definition (the JSON form below):
//   register_composite("mine", "what it is for", nlohmann::json::parse(R"([...])"), registry.origin());
CompositeRegistry& composite_registry();
void register_composite(const std::string& name, const std::string& description, const nlohmann::json& definition,
                        const std::string& origin = "embedded");
std::vector<std::string> composite_names();

// Named definitions of one experiment file (its explain.composites): name -> definition.
// They are looked up before the registry and may name each other (as "base").
using CompositeDefinitions = nlohmann::json;

// A registered (or locally defined) composite. Throws ConfigError naming the unknown
// composite and the known ones.
Composite make_composite(const std::string& name, const nlohmann::json& rule_params = nlohmann::json::object(),
                         const CompositeDefinitions& definitions = nlohmann::json::object());

// A composite from JSON:
//   "epsilon-plus"                                   a name (definitions, then the registry)
//   [{"match": {"kind": "conv"}, "rule": RULE}, ...]  the ordered entries
//   {"name": "mine", "base": NAME, "rules": [...]}   entries tried before the base's
// and, as before the entry lists existed, an object of rules by role, position, index or
// name, read as entries in its precedence (layer name, index, first, role):
//   {"name", "base", "dense", "conv", "avg_pool", "normalization", "first", "layers": {"0": RULE, "dense_5": RULE}}
// RULE is a rule name or {"rule": NAME, options...} (make_rule). Without a base, avg_pool
// and normalization layers get epsilon. `rule_params` must be options of registered rules.
// Errors name `where` and the key or entry position ("composite.2.match: unknown key 'knd'").
Composite composite_from_json(const nlohmann::json& spec, const nlohmann::json& rule_params = nlohmann::json::object(),
                              const std::string& where = "composite",
                              const CompositeDefinitions& definitions = nlohmann::json::object());

// Checks every definition of an experiment file's explain.composites (an object of name ->
// definition), naming `where`.<name> and the bad key.
void check_composite_definitions(const CompositeDefinitions& definitions, const nlohmann::json& rule_params,
                                 const std::string& where);

}  // namespace glassbox::explain
