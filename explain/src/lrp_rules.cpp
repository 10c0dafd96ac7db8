#include "glassbox/explain/lrp_rules.h"

#include <algorithm>
#include <cmath>

#include "glassbox/error.h"
#include "glassbox/explain/option_spec.h"

namespace glassbox::explain {
namespace {

using nlohmann::json;

void clamp_positive(Tensor& t) {
  for (float& v : t) v = v > 0.0f ? v : 0.0f;
}
void clamp_negative(Tensor& t) {
  for (float& v : t) v = v < 0.0f ? v : 0.0f;
}

// W -> W+, b -> b+ (or zero when keep_bias is false); and the same for the negative part.
ParamTransform positive_params(bool keep_bias) {
  return [keep_bias](ParamRole role, Tensor& v) {
    if (is_additive(role) && !keep_bias) v.fill(0.0f);
    else clamp_positive(v);
  };
}
ParamTransform negative_params(bool keep_bias) {
  return [keep_bias](ParamRole role, Tensor& v) {
    if (is_additive(role) && !keep_bias) v.fill(0.0f);
    else clamp_negative(v);
  };
}
ParamTransform without_bias() {
  return [](ParamRole role, Tensor& v) {
    if (is_additive(role)) v.fill(0.0f);
  };
}

class ZeroRule final : public LrpRule {
 public:
  std::string name() const override { return "lrp0"; }
  std::vector<LrpGroup> groups() const override {
    return {LrpGroup{{LrpTerm{InputTransform::identity(), {}, 1.0f}}, 1.0f, 0.0f}};
  }
  bool is_plain() const override { return true; }
};

class EpsilonRule final : public LrpRule {
 public:
  explicit EpsilonRule(float epsilon) : epsilon_(epsilon) {}
  std::string name() const override { return "epsilon"; }
  json parameters() const override { return {{"epsilon", epsilon_}}; }
  std::vector<LrpGroup> groups() const override {
    return {LrpGroup{{LrpTerm{InputTransform::identity(), {}, 1.0f}}, 1.0f, epsilon_}};
  }
  bool is_plain() const override { return true; }

 private:
  float epsilon_;
};

class GammaRule final : public LrpRule {
 public:
  explicit GammaRule(float gamma) : gamma_(gamma) {}
  std::string name() const override { return "gamma"; }
  json parameters() const override { return {{"gamma", gamma_}}; }
  std::vector<LrpGroup> groups() const override {
    const float g = gamma_;
    ParamTransform p = [g](ParamRole, Tensor& v) {
      for (float& w : v) w += g * (w > 0.0f ? w : 0.0f);
    };
    return {LrpGroup{{LrpTerm{InputTransform::identity(), p, 1.0f}}, 1.0f, kDefaultStabilizer}};
  }

 private:
  float gamma_;
};

class AlphaBetaRule final : public LrpRule {
 public:
  AlphaBetaRule(float alpha, float beta) : alpha_(alpha), beta_(beta) {}
  std::string name() const override { return "alpha_beta"; }
  json parameters() const override { return {{"alpha", alpha_}, {"beta", beta_}}; }
  std::vector<LrpGroup> groups() const override {
    // x+ W+ and x- W- both give positive products; the bias joins the part of its sign.
    LrpGroup positive{{LrpTerm{InputTransform::positive(), positive_params(true), 1.0f},
                       LrpTerm{InputTransform::negative(), negative_params(false), 1.0f}},
                      alpha_, kDefaultStabilizer};
    std::vector<LrpGroup> g{positive};
    if (beta_ != 0.0f) {
      g.push_back(LrpGroup{{LrpTerm{InputTransform::positive(), negative_params(true), 1.0f},
                            LrpTerm{InputTransform::negative(), positive_params(false), 1.0f}},
                           -beta_, kDefaultStabilizer});
    }
    return g;
  }

 private:
  float alpha_, beta_;
};

class ZPlusRule final : public LrpRule {
 public:
  std::string name() const override { return "zplus"; }
  std::vector<LrpGroup> groups() const override {
    return {LrpGroup{{LrpTerm{InputTransform::positive(), positive_params(false), 1.0f},
                      LrpTerm{InputTransform::negative(), negative_params(false), 1.0f}},
                     1.0f, kDefaultStabilizer}};
  }
};

class ZBoxRule final : public LrpRule {
 public:
  ZBoxRule(float low, float high) : low_(low), high_(high) {}
  std::string name() const override { return "zbox"; }
  json parameters() const override { return {{"low", low_}, {"high", high_}}; }
  std::vector<LrpGroup> groups() const override {
    return {LrpGroup{{LrpTerm{InputTransform::identity(), without_bias(), 1.0f},
                      LrpTerm{InputTransform::constant(low_), positive_params(false), -1.0f},
                      LrpTerm{InputTransform::constant(high_), negative_params(false), -1.0f}},
                     1.0f, kDefaultStabilizer}};
  }

 private:
  float low_, high_;
};

class FlatRule final : public LrpRule {
 public:
  std::string name() const override { return "flat"; }
  std::vector<LrpGroup> groups() const override {
    ParamTransform p = [](ParamRole role, Tensor& v) { v.fill(is_additive(role) ? 0.0f : 1.0f); };
    return {LrpGroup{{LrpTerm{InputTransform::constant(1.0f), p, 1.0f}}, 1.0f, kDefaultStabilizer}};
  }
};

class WSquareRule final : public LrpRule {
 public:
  std::string name() const override { return "wsquare"; }
  std::vector<LrpGroup> groups() const override {
    ParamTransform p = [](ParamRole role, Tensor& v) {
      if (is_additive(role)) v.fill(0.0f);
      else for (float& w : v) w *= w;
    };
    return {LrpGroup{{LrpTerm{InputTransform::constant(1.0f), p, 1.0f}}, 1.0f, kDefaultStabilizer}};
  }
};

}  // namespace

RulePtr lrp_zero() { return std::make_shared<ZeroRule>(); }
RulePtr epsilon_rule(float epsilon) {
  if (!(epsilon >= 0.0f) || !std::isfinite(epsilon))
    throw ConfigError("epsilon rule: epsilon must be >= 0, got " + std::to_string(epsilon));
  return std::make_shared<EpsilonRule>(epsilon);
}
RulePtr gamma_rule(float gamma) {
  if (!(gamma >= 0.0f) || !std::isfinite(gamma))
    throw ConfigError("gamma rule: gamma must be >= 0, got " + std::to_string(gamma));
  return std::make_shared<GammaRule>(gamma);
}
RulePtr alpha_beta_rule(float alpha, float beta) {
  if (!(alpha >= 0.0f) || !(beta >= 0.0f) || std::fabs(alpha - beta - 1.0f) > 1e-6f)
    throw ConfigError("alpha-beta rule: needs alpha - beta = 1 with alpha, beta >= 0, got alpha=" +
                      std::to_string(alpha) + " beta=" + std::to_string(beta));
  return std::make_shared<AlphaBetaRule>(alpha, beta);
}
RulePtr zplus_rule() { return std::make_shared<ZPlusRule>(); }
RulePtr zbox_rule(float low, float high) {
  if (!(low <= high))
    throw ConfigError("zbox rule: needs low <= high, got low=" + std::to_string(low) +
                      " high=" + std::to_string(high));
  return std::make_shared<ZBoxRule>(low, high);
}
RulePtr flat_rule() { return std::make_shared<FlatRule>(); }
RulePtr wsquare_rule() { return std::make_shared<WSquareRule>(); }

namespace {

// A rule made by name: the rule itself, reporting the values of its described options
// (over what the rule reports of itself: alpha1_beta0's fixed alpha and beta).
class DescribedRule final : public LrpRule {
 public:
  DescribedRule(RulePtr rule, json values) : rule_(std::move(rule)), values_(std::move(values)) {}
  std::string name() const override { return rule_->name(); }
  json parameters() const override {
    json j = rule_->parameters();
    j.update(values_);
    return j;
  }
  std::vector<LrpGroup> groups() const override { return rule_->groups(); }
  bool is_plain() const override { return rule_->is_plain(); }

 private:
  RulePtr rule_;
  json values_;
};

// The built-in rules: name, aliases, description, options (each described once) and how to
// make the rule from the options' values. A new rule is a class above and an entry here.
void register_builtin_rules(RuleRegistry& r) {
  auto add = [&r](const std::string& name, std::vector<std::string> aliases, const std::string& description,
                  std::vector<OptionSpec> options, std::function<RulePtr(json&)> make) {
    FactoryInfo info{name, description, options_schema(options), "built-in"};
    r.add(std::move(info), RuleFactory{std::move(options), std::move(make)}, std::move(aliases));
  };
  auto f = [](const json& v, const char* key) { return v.at(key).get<float>(); };
  add("lrp0", {"zero", "lrp_0"}, "LRP-0: R_i = sum_j x_i w_ij / z_j R_j (Bach et al. 2015)", {},
      [](json&) { return lrp_zero(); });
  add("epsilon", {}, "LRP-epsilon: a stabilizer in the denominator absorbs weak or contradictory contributions",
      {{"epsilon", "float", 1e-6, 0, kUnbounded, "stabilizer added to each denominator (with the sign of z)"}},
      [f](json& v) { return epsilon_rule(f(v, "epsilon")); });
  add("gamma", {}, "LRP-gamma: weights W + gamma W+, bias b + gamma b+ (favours positive contributions)",
      {{"gamma", "float", 0.25, 0, kUnbounded, "weight of the positive parameters; large gamma approaches z+"}},
      [f](json& v) { return gamma_rule(f(v, "gamma")); });
  add("alpha_beta", {}, "alpha * positive contributions - beta * negative ones, alpha - beta = 1",
      {{"alpha", "float", 2, 0, kUnbounded, "weight of the positive contributions"},
       {"beta", "float", nullptr, 0, kUnbounded, "weight of the negative contributions (default: alpha - 1)"}},
      [f](json& v) {
        const float alpha = f(v, "alpha");
        if (!v.contains("beta")) v["beta"] = alpha - 1.0f;
        return alpha_beta_rule(alpha, f(v, "beta"));
      });
  add("alpha1_beta0", {}, "alpha-beta with alpha 1, beta 0", {}, [](json&) { return alpha_beta_rule(1.0f, 0.0f); });
  add("alpha2_beta1", {}, "alpha-beta with alpha 2, beta 1", {}, [](json&) { return alpha_beta_rule(2.0f, 1.0f); });
  add("zplus", {"z_plus"}, "z+: only positive contributions x+W+ + x-W-, no bias", {},
      [](json&) { return zplus_rule(); });
  add("zbox", {"zb", "box"}, "zB for the input layer with values in [low, high], no bias",
      {{"low", "float", 0, -kUnbounded, kUnbounded, "lowest input value (the model's input range)"},
       {"high", "float", 1, -kUnbounded, kUnbounded, "highest input value (the model's input range)"}},
      [f](json& v) { return zbox_rule(f(v, "low"), f(v, "high")); });
  add("flat", {}, "flat: every input of a neuron gets an equal share", {}, [](json&) { return flat_rule(); });
  add("wsquare", {"w_square", "w2"}, "w-square: shares by the squared weights, ignoring the input", {},
      [](json&) { return wsquare_rule(); });
}

}  // namespace

RuleRegistry& rule_registry() {
  static RuleRegistry* registry = [] {
    auto* r = new RuleRegistry("LRP rule");  // never destroyed: plugins may add to it until exit
    register_builtin_rules(*r);
    return r;
  }();
  return *registry;
}

std::vector<std::string> rule_names() { return rule_registry().names(); }

namespace {

// Every option name of the registered rules, in the order the rules describe them.
std::vector<std::string> all_rule_options() {
  std::vector<std::string> names;
  const RuleRegistry& r = rule_registry();
  for (const std::string& rule : r.names())
    for (const OptionSpec& o : r.factory(rule, "rule").options)
      if (std::find(names.begin(), names.end(), o.name) == names.end()) names.push_back(o.name);
  return names;
}

}  // namespace

std::string rule_parameter_names() {
  std::string s;
  for (const auto& n : all_rule_options()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void check_rule_params(const json& rule_params, const std::string& where) {
  if (!rule_params.is_object())
    throw ConfigError(where + ": expected an object of rule parameters, got " + rule_params.dump().substr(0, 80));
  const std::vector<std::string> known = all_rule_options();
  for (const auto& [k, v] : rule_params.items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      throw ConfigError(where + ": unknown rule parameter '" + k + "' (known: " + rule_parameter_names() + ")");
}

RulePtr make_rule(const json& spec, const json& defaults, const std::string& where) {
  std::string name;
  if (spec.is_string()) name = spec.get<std::string>();
  else if (spec.is_object() && spec.contains("rule") && spec["rule"].is_string()) name = spec["rule"].get<std::string>();
  else throw ConfigError(where + ": a rule is a name or {\"rule\": NAME, ...}, got " + spec.dump());
  std::replace(name.begin(), name.end(), '-', '_');
  const RuleRegistry& r = rule_registry();
  const RuleFactory& factory = r.factory(name, where);
  const std::string rule_where = where + " (rule '" + r.info(name, where).name + "')";
  json values = parse_options(factory.options, spec.is_object() ? spec : json::object(), defaults, rule_where,
                              {"rule"});
  RulePtr rule;
  try {
    rule = factory.make(values);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  // The summaries report the options' values as the rule holds them (a float option as
  // float), so parameters() follows the description too.
  for (const OptionSpec& o : factory.options)
    if (o.type == "float" && values.contains(o.name)) values[o.name] = values[o.name].get<float>();
  return std::make_shared<DescribedRule>(std::move(rule), std::move(values));
}

}  // namespace glassbox::explain
