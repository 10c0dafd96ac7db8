#pragma once
// LRP rules for linear layers (Dense, Conv2D, AvgPool, any plugin whose kind() is linear).
//
// Every rule is a small object that only says how it changes the layer's parameters and
// its input (zennit style); one generic engine (lrp.h) does the rest. A rule is a list of
// groups, each a list of terms:
//
//   term k:   z_k = f(I_k(x); P_k(theta))      (layer forward in Mode::linear with the
//                                               term's input and parameter transforms)
//   group g:  z_g = sum_k sign_k z_k,   s_g = R_out / stabilize(z_g)
//   R_in   =  sum_g weight_g sum_k sign_k I_k(x) * (df/dx)(P_k(theta))^T s_g
//
// The last factor is the layer's input gradient of the term's forward, so a new linear
// layer plugin gets every rule without any rule-specific code. For example LRP-0 is one
// term (identity, identity), z+ is (x+, W+) + (x-, W-) without bias, alpha-beta is two
// groups weighted alpha and -beta.
//
// Stabilizer: stabilize(z) = z + eps * sgn0(z) with sgn0(0) = +1 (so a zero z never divides);
// with eps = 0 (LRP-0) a zero denominator gives s = 0 (the relevance is absorbed, and the
// conservation report shows it).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/named_registry.h"
#include "glassbox/explain/option_spec.h"
#include "glassbox/layer.h"
#include "glassbox/tensor.h"

namespace glassbox::explain {

// How a term changes the layer's input.
struct InputTransform {
  enum class Kind { identity, positive_part, negative_part, constant };
  Kind kind = Kind::identity;
  float value = 0.0f;  // for constant (zB bounds: low, high; flat / w-square: 1)

  static InputTransform identity() { return {Kind::identity, 0.0f}; }
  static InputTransform positive() { return {Kind::positive_part, 0.0f}; }
  static InputTransform negative() { return {Kind::negative_part, 0.0f}; }
  static InputTransform constant(float v) { return {Kind::constant, v}; }
};

// How a term changes one parameter, told by its role (Layer::params(), glassbox/layer.h),
// never by its name: bias and shift are the additive terms (is_additive), every other
// role is transformed as a weight. The engine refuses to apply a transform to a parameter
// of role `other`. Empty = unchanged.
using ParamTransform = std::function<void(ParamRole role, Tensor& value)>;

struct LrpTerm {
  InputTransform input;
  ParamTransform params;
  float sign = 1.0f;
};

struct LrpGroup {
  std::vector<LrpTerm> terms;
  float weight = 1.0f;
  float epsilon = 0.0f;  // stabilizer of this group's denominator
};

class LrpRule {
 public:
  virtual ~LrpRule() = default;
  virtual std::string name() const = 0;
  // The rule's parameters as JSON ({"epsilon": 0.25}), for summaries.
  virtual nlohmann::json parameters() const { return nlohmann::json::object(); }
  virtual std::vector<LrpGroup> groups() const = 0;
  // True when the rule is LRP-0/epsilon: one term with unchanged input and parameters
  // (the engine then reuses the recorded pre-activation instead of a second forward).
  virtual bool is_plain() const { return false; }
};

using RulePtr = std::shared_ptr<const LrpRule>;

// Stabilizer added to the denominators of the rules that have no epsilon of their own.
constexpr float kDefaultStabilizer = 1e-9f;

// R_i = sum_j x_i w_ij / z_j R_j (Bach et al. 2015).
RulePtr lrp_zero();
// R_i = sum_j x_i w_ij / (z_j + eps sgn(z_j)) R_j: small contributions are absorbed.
RulePtr epsilon_rule(float epsilon = 1e-6f);
// Weights W + gamma W+ and bias b + gamma b+ (Montavon et al. 2019): favours positive
// contributions.
RulePtr gamma_rule(float gamma = 0.25f);
// alpha * (positive contributions) - beta * (negative ones); alpha - beta = 1, alpha, beta >= 0.
// Positive part: x+W+ + x-W- + b+, negative part: x+W- + x-W+ + b- (Bach et al. 2015, eq. 60).
RulePtr alpha_beta_rule(float alpha = 2.0f, float beta = 1.0f);
// z+: only positive contributions x+W+ + x-W-, no bias (Montavon et al. 2017; alpha1-beta0
// without bias).
RulePtr zplus_rule();
// zB / box for the input layer with pixel bounds low <= x <= high (Montavon et al. 2017):
// z = xW - low W+ - high W-, no bias; R_i = (x_i w_ij - l w+_ij - h w-_ij) / z_j R_j.
RulePtr zbox_rule(float low = 0.0f, float high = 1.0f);
// Flat: every input shares a neuron's relevance equally (W -> 1, b -> 0, x -> 1).
RulePtr flat_rule();
// w-square: R_i = sum_j w_ij^2 / sum_i' w_i'j^2 R_j (x -> 1, b -> 0).
RulePtr wsquare_rule();

// ---- Rules by name (zennit's layer_map names). Each rule's options are described once
// (OptionSpec: name, type, default, range, help); that description parses them, fills the
// defaults, gives parameters() and the registry's schema, and names unknown keys.

struct RuleFactory {
  std::vector<OptionSpec> options;
  // Makes the rule from the options' values (parse_options' result); may complete values
  // it derives (alpha_beta's beta = alpha - 1) so that parameters() reports them.
  std::function<RulePtr(nlohmann::json& values)> make;
};
using RuleRegistry = NamedRegistry<RuleFactory>;

// The process-wide registry with the built-in rules: lrp0 (zero), epsilon, gamma,
// alpha_beta (alpha, beta), alpha1_beta0, alpha2_beta1, zplus, zbox (low, high), flat,
// wsquare. A plugin adds its own (FactoryInfo::parameters = options_schema(options)):
//   rule_registry().add({"mine", "what it does", options_schema(opts), registry.origin()},
//                       RuleFactory{opts, [](nlohmann::json& v) { return ...; }});
RuleRegistry& rule_registry();

// A rule from JSON: a name or {"rule": NAME, option: value, ...}; '-' in a name reads as
// '_'. `defaults` supplies options not given in `spec` (the CLI's --rule-param values,
// shared by all rules of a composite; each rule takes the keys it knows). Throws
// ConfigError naming `where` and the unknown rule, the unknown key (with the rule's known
// ones) or the bad value.
RulePtr make_rule(const nlohmann::json& spec, const nlohmann::json& defaults = nlohmann::json::object(),
                  const std::string& where = "rule");
// The registered rules, in registration order.
std::vector<std::string> rule_names();
// Every option name of the registered rules: "epsilon, gamma, alpha, beta, low, high".
std::string rule_parameter_names();
// Throws ConfigError naming `where` and the key when `rule_params` is not an object or
// holds a key that is no option of any registered rule.
void check_rule_params(const nlohmann::json& rule_params, const std::string& where);

}  // namespace glassbox::explain
