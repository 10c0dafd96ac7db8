#include "glassbox/explain/attribution_method.h"

#include <algorithm>

#include "builtin_methods.h"
#include "glassbox/error.h"
#include "glassbox/model.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

// A baseline of attributions.h behind the common interface.
class BaselineMethod final : public AttributionMethod {
 public:
  BaselineMethod(std::string name, AttributionOptions options, std::string note)
      : name_(std::move(name)), options_(options), note_(std::move(note)) {}
  std::string name() const override { return name_; }
  json request_fields() const override { return {{"parameters", options_.to_json(name_)}}; }
  Explanation attribute(ExplainedNetwork& net, const Tensor& x, const Target& target, bool) const override {
    Explanation e;
    e.attribution = explain::attribute(net, name_, x, target, options_);
    return e;
  }
  json row_summary(const Explanation& e, std::size_t row) const override {
    json j = basic_row_summary(e.attribution, row);
    if (!note_.empty()) j["note"] = note_;
    return j;
  }

 private:
  std::string name_;
  AttributionOptions options_;
  std::string note_;  // what the reader should know about the sum
};

}  // namespace

void register_baseline_methods(MethodRegistry& r) {
  struct Baseline {
    const char* name;
    const char* description;
    const char* note;
  };
  const Baseline baselines[] = {
      {"gradient", "d logit / dx (Simonyan et al. 2014)", ""},
      {"gradient_x_input", "x * d logit / dx (Shrikumar et al. 2016)", ""},
      {"integrated_gradients", "(x - x') * the mean gradient on the path from x' (Sundararajan et al. 2017)",
       "completeness: the sum approximates logit(x) - logit(baseline)"},
      {"smoothgrad", "mean gradient over noisy copies of x (Smilkov et al. 2017)", ""},
      {"occlusion", "logit drop when a patch is set to a value (Zeiler & Fergus 2014)", ""},
  };
  for (const Baseline& b : baselines) {
    json parameters = json::object();
    json defaults = AttributionOptions{}.to_json(b.name);
    for (const auto& [k, v] : defaults.items())
      if (k != "rule") parameters[k] = {{"default", v}};
    const std::string name = b.name, note = b.note;
    r.add(FactoryInfo{name, b.description, parameters, "built-in"},
          [name, note](const ExplainRequest& request, const std::string&) -> MethodPtr {
            return std::make_shared<BaselineMethod>(name, request.attribution, note);
          });
  }
}

MethodRegistry& attribution_method_registry() {
  static MethodRegistry* registry = [] {
    auto* r = new MethodRegistry("attribution method");  // never destroyed: plugins may add until exit
    register_lrp_method(*r);
    register_baseline_methods(*r);
    return r;
  }();
  return *registry;
}

std::vector<std::string> attribution_method_names() { return attribution_method_registry().names(); }

MethodPtr make_method(const ExplainRequest& request, const std::string& where) {
  const MethodRegistry& r = attribution_method_registry();
  return r.factory(request.method, where.empty() ? "method" : where + ".method")(request, where);
}

json ExplainRequest::to_json() const {
  json j{{"method", method}, {"target", target.to_string()}};
  j.update(make_method(*this)->request_fields());
  return j;
}

Explanation AttributionMethod::attribute_model(const MyDeepLearning& model, const Tensor& x, const Target& target,
                                               bool keep_layers) const {
  ExplainedNetwork net(model);
  return attribute(net, x, target, keep_layers);
}

json AttributionMethod::row_summary(const Explanation& e, std::size_t row) const {
  return basic_row_summary(e.attribution, row);
}

json basic_row_summary(const Attribution& a, std::size_t r) {
  const std::size_t per = a.relevance.size() / std::max<std::size_t>(a.rows(), 1);
  double sum = 0;
  for (std::size_t k = 0; k < per; ++k) sum += a.relevance.data()[r * per + k];
  return {{"method", a.method},
          {"sample", a.sample.at(r)},
          {"explained_class", a.target.at(r)},
          {"predicted_class", a.predicted.at(r)},
          {"logit", a.logit.at(r)},
          {"input_relevance_sum", sum}};
}

}  // namespace glassbox::explain
