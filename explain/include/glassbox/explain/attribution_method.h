#pragma once
// One interface for every attribution method, as Captum's Attribution.attribute serves
// all of its methods: LRP (with a composite) and the baselines of attributions.h are
// AttributionMethods made by name from an ExplainRequest, so the driver, the server and
// the reports call attribute() and never ask which method they hold.
//
//   MethodPtr m = make_method(request);                 // request.method: "lrp", "gradient", ...
//   Explanation e = m->attribute(net, x, Target::predicted(), false);
//   e.attribution.relevance                             // (rows, ...input shape)
//   e.layerwise                                         // per-layer relevance (LRP), or null
//
// A plugin adds a method with attribution_method_registry().add(info, factory).
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/explain/attributions.h"
#include "glassbox/explain/composites.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/explain/named_registry.h"

namespace glassbox {
class MyDeepLearning;
}

namespace glassbox::explain {

// The method every front end starts with.
constexpr const char* kDefaultMethod = "lrp";

// What to compute: a method and its parameters.
struct ExplainRequest {
  std::string method = kDefaultMethod;        // a registered method (attribution_method_names())
  nlohmann::json composite = "epsilon-plus";  // LRP: a composite (composite_from_json)
  CompositeDefinitions composites = nlohmann::json::object();  // LRP: named definitions (explain.composites)
  nlohmann::json rule_params = nlohmann::json::object();       // LRP: {"epsilon": 0.25, ...}
  AttributionOptions attribution;             // baselines' parameters, batch size
  Target target = Target::predicted();

  // {"method", "target"} and the method's own fields (AttributionMethod::request_fields).
  nlohmann::json to_json() const;
};

class AttributionMethod;
using MethodPtr = std::shared_ptr<const AttributionMethod>;

// The result of one request.
struct Explanation {
  Attribution attribution;
  std::shared_ptr<const LrpResult> layerwise;  // every layer's relevance, for methods that have it (LRP)
  MethodPtr method;                            // what computed it (set by explain_batch)
};

class AttributionMethod {
 public:
  virtual ~AttributionMethod() = default;
  virtual std::string name() const = 0;
  // The request's fields this method reads, as reported in explanations.json ("composite"
  // and "rule_params" for LRP, "parameters" for the baselines).
  virtual nlohmann::json request_fields() const = 0;
  // Explains the rows of `target` (one per sample, or every class of every sample) of the
  // batch x. keep_layers: also keep every layer's relevance, when the method has it.
  virtual Explanation attribute(ExplainedNetwork& net, const Tensor& x, const Target& target,
                                bool keep_layers) const = 0;
  // The same on a model; by default through an ExplainedNetwork of it.
  virtual Explanation attribute_model(const MyDeepLearning& model, const Tensor& x, const Target& target,
                                      bool keep_layers) const;
  // Row r's entry of explanations.json: sample, explained and predicted class, logit,
  // relevance sum (basic_row_summary), and what the method adds (LRP: per-layer sums,
  // absorbed relevance, conservation error).
  virtual nlohmann::json row_summary(const Explanation& e, std::size_t row) const;
};

// The fields every method's row summary has.
nlohmann::json basic_row_summary(const Attribution& a, std::size_t row);

// Makes the method of a request; `where` names the request's fields in errors.
using MethodFactory = std::function<MethodPtr(const ExplainRequest& request, const std::string& where)>;
using MethodRegistry = NamedRegistry<MethodFactory>;

// The process-wide registry: lrp, then gradient, gradient_x_input, integrated_gradients,
// smoothgrad, occlusion.
MethodRegistry& attribution_method_registry();
std::vector<std::string> attribution_method_names();

// Throws ConfigError naming `where` and the unknown method (with the known ones) or the
// request's bad field (an unknown composite, rule or rule parameter).
MethodPtr make_method(const ExplainRequest& request, const std::string& where = "");

}  // namespace glassbox::explain
