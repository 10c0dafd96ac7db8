#pragma once
// Composites: which LRP rule each layer gets, by layer role, position, index or name.
//
// Roles: "dense" (a linear layer on flat inputs), "conv" (a linear layer with parameters on
// image-shaped inputs), "avg_pool" (a linear layer without parameters), "normalization"
// (a BatchNorm that could not be merged into its preceding linear layer). "first" is the
// first linear layer of the network (the input layer, where zB/flat belong).
//
// Built-in composites (zennit's names and choices):
//   epsilon-plus           dense: epsilon, conv: z+
//   epsilon-gamma-box      first: zB (low, high), conv: gamma, dense: epsilon
//   epsilon-alpha2-beta1   dense: epsilon, conv: alpha2-beta1
//   <any of these>-flat    the same with the flat rule on the first layer
//   lrp0, epsilon          one rule everywhere
// Average pooling and unmerged normalization get epsilon in all of them.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/lrp_rules.h"
#include "glassbox/layer.h"

namespace glassbox::explain {

// What a composite sees of a layer when it picks a rule.
struct LayerSlot {
  std::size_t index = 0;
  const Layer* layer = nullptr;
  std::string role;  // dense, conv, avg_pool, normalization
  bool first = false;
};

struct Composite {
  std::string name;
  RulePtr dense, conv, avg_pool, normalization;
  RulePtr first;  // overrides the role's rule for the first linear layer when set
  std::map<std::size_t, RulePtr> by_index;
  std::map<std::string, RulePtr> by_name;

  // The rule of a layer: by name, then by index, then first, then by role. Null when the
  // role has no rule (the engine then names the layer in its error).
  RulePtr rule_for(const LayerSlot& slot) const;
  nlohmann::json to_json() const;
};

// A built-in composite; `rule_params` ({"epsilon": 0.25, "gamma": 0.5, "low": -1, ...}) set
// the parameters of its rules. Throws ConfigError naming the unknown composite.
Composite make_composite(const std::string& name,
                         const nlohmann::json& rule_params = nlohmann::json::object());

// A user-defined composite:
//   {"name": "mine", "base": "epsilon-plus",           (optional: start from a built-in)
//    "dense": RULE, "conv": RULE, "avg_pool": RULE, "normalization": RULE, "first": RULE,
//    "layers": {"0": RULE, "dense_5": RULE}}          (per layer index or name)
// where RULE is a name or {"rule": NAME, params...} (see make_rule). A plain string is
// the name of a built-in composite.
Composite composite_from_json(const nlohmann::json& spec,
                              const nlohmann::json& rule_params = nlohmann::json::object(),
                              const std::string& where = "composite");

const std::vector<std::string>& composite_names();

}  // namespace glassbox::explain
