// LRP behind the AttributionMethod interface: the request's composite (by name, from the
// experiment file's definitions, or as JSON) and rule parameters, the per-layer relevance
// kept in Explanation::layerwise.
#include "builtin_methods.h"
#include "glassbox/error.h"
#include "glassbox/model.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

class LrpMethod final : public AttributionMethod {
 public:
  LrpMethod(const ExplainRequest& r, const std::string& where)
      : request_(r),
        composite_(composite_from_json(r.composite, r.rule_params, where.empty() ? "composite" : where + ".composite",
                                       r.composites)) {}

  std::string name() const override { return "lrp"; }

  json request_fields() const override {
    json j{{"composite", request_.composite}};
    if (!request_.rule_params.empty()) j["rule_params"] = request_.rule_params;
    if (!request_.composites.empty()) j["composites"] = request_.composites;
    return j;
  }

  Explanation attribute(ExplainedNetwork& net, const Tensor& x, const Target& target, bool keep_layers) const override {
    // The LRP engine clones the network's layers again; ExplainedNetwork's layers are
    // already clones, so hand them over as a stack.
    if (net.is_graph()) {
      // A graph goes to the engine whole (with its skipped softmax, if any).
      Lrp lrp(net, composite_, options(keep_layers));
      return result(std::make_shared<LrpResult>(lrp.explain(x, target)), target);
    }
    std::vector<const Layer*> layers;
    for (std::size_t i = 0; i < net.size(); ++i) layers.push_back(&net.layer(i));
    Lrp lrp(layers, net.input_shape(), composite_, options(keep_layers), net.registry());
    auto r = std::make_shared<LrpResult>(lrp.explain(x, target));
    if (net.skipped_final_softmax()) {
      // Report the plan of the whole model: the engine saw it without the softmax.
      LrpLayerPlan p;
      p.index = net.size();
      p.type = p.kind = p.role = "softmax";
      p.rule = "skipped_softmax";
      r->plan.push_back(p);
      for (auto& sums : r->layer_sums) sums.push_back(sums.empty() ? 0.0 : sums.back());
    }
    return result(std::move(r), target);
  }

  Explanation attribute_model(const MyDeepLearning& model, const Tensor& x, const Target& target,
                              bool keep_layers) const override {
    Lrp lrp(model, composite_, options(keep_layers));
    return result(std::make_shared<LrpResult>(lrp.explain(x, target)), target);
  }

  json row_summary(const Explanation& e, std::size_t row) const override {
    return e.layerwise ? e.layerwise->summary(row) : basic_row_summary(e.attribution, row);
  }

 private:
  LrpOptions options(bool keep_layers) const {
    LrpOptions o;
    o.batch_size = request_.attribution.batch_size;
    o.keep_layers = keep_layers;
    return o;
  }

  Explanation result(std::shared_ptr<LrpResult> r, const Target& target) const {
    Explanation e;
    Attribution& a = e.attribution;
    a.method = name();
    a.sample = r->sample;
    a.target = r->target;
    a.predicted = r->predicted;
    a.logit = r->logit;
    a.relevance = r->input_relevance;
    a.parameters = {{"method", name()}, {"target", target.to_string()}};
    a.parameters.update(request_fields());
    e.layerwise = std::move(r);
    return e;
  }

  ExplainRequest request_;
  Composite composite_;
};

}  // namespace

void register_lrp_method(MethodRegistry& r) {
  FactoryInfo info{"lrp",
                   "Layer-wise Relevance Propagation with a composite of rules (Bach et al. 2015)",
                   {{"composite", {{"type", "string|list|object"}, {"default", "epsilon-plus"},
                                   {"help", "a composite name (lrp_composites) or entries [{\"match\", \"rule\"}]"}}},
                    {"rule_params", {{"type", "object"}, {"default", json::object()},
                                     {"help", "options shared by the composite's rules (lrp_rules' parameters)"}}}},
                   "built-in"};
  r.add(std::move(info), [](const ExplainRequest& request, const std::string& where) -> MethodPtr {
    return std::make_shared<LrpMethod>(request, where);
  });
}

}  // namespace glassbox::explain
