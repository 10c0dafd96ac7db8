#include "glassbox/explain/lrp_rules.h"

#include <algorithm>
#include <cmath>

#include "glassbox/error.h"

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

float number(const json& spec, const json& defaults, const std::string& key, float fallback,
             const std::string& where) {
  const json* v = nullptr;
  if (spec.is_object() && spec.contains(key)) v = &spec[key];
  else if (defaults.is_object() && defaults.contains(key)) v = &defaults[key];
  if (!v) return fallback;
  if (v->is_number()) return v->get<float>();
  if (v->is_string()) {
    try {
      std::size_t used = 0;
      float f = std::stof(v->get<std::string>(), &used);
      if (used == v->get<std::string>().size()) return f;
    } catch (...) {
    }
  }
  throw ConfigError(where + ": '" + key + "' must be a number, got " + v->dump());
}

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

const std::vector<std::string>& rule_names() {
  static const std::vector<std::string> names = {"lrp0",       "epsilon",      "gamma",
                                                 "alpha_beta", "alpha1_beta0", "alpha2_beta1",
                                                 "zplus",      "zbox",         "flat",
                                                 "wsquare"};
  return names;
}

RulePtr make_rule(const json& spec, const json& defaults, const std::string& where) {
  std::string name;
  if (spec.is_string()) {
    name = spec.get<std::string>();
  } else if (spec.is_object() && spec.contains("rule") && spec["rule"].is_string()) {
    name = spec["rule"].get<std::string>();
    static const std::vector<std::string> keys = {"rule", "epsilon", "gamma", "alpha", "beta", "low", "high"};
    for (const auto& [k, v] : spec.items())
      if (std::find(keys.begin(), keys.end(), k) == keys.end())
        throw ConfigError(where + ": unknown rule parameter '" + k +
                          "' (known: epsilon, gamma, alpha, beta, low, high)");
  } else {
    throw ConfigError(where + ": a rule is a name or {\"rule\": NAME, ...}, got " + spec.dump());
  }
  std::replace(name.begin(), name.end(), '-', '_');
  if (name == "lrp0" || name == "zero" || name == "lrp_0") return lrp_zero();
  if (name == "epsilon") return epsilon_rule(number(spec, defaults, "epsilon", 1e-6f, where));
  if (name == "gamma") return gamma_rule(number(spec, defaults, "gamma", 0.25f, where));
  if (name == "alpha_beta") {
    float alpha = number(spec, defaults, "alpha", 2.0f, where);
    float beta = number(spec, defaults, "beta", alpha - 1.0f, where);
    return alpha_beta_rule(alpha, beta);
  }
  if (name == "alpha1_beta0") return alpha_beta_rule(1.0f, 0.0f);
  if (name == "alpha2_beta1") return alpha_beta_rule(2.0f, 1.0f);
  if (name == "zplus" || name == "z_plus") return zplus_rule();
  if (name == "zbox" || name == "zb" || name == "box")
    return zbox_rule(number(spec, defaults, "low", 0.0f, where), number(spec, defaults, "high", 1.0f, where));
  if (name == "flat") return flat_rule();
  if (name == "wsquare" || name == "w_square" || name == "w2") return wsquare_rule();
  std::string known;
  for (const auto& n : rule_names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError(where + ": unknown LRP rule '" + name + "' (known: " + known + ")");
}

}  // namespace glassbox::explain
