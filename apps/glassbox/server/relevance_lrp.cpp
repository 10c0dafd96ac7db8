// relevance_bridge.h over the explain library's attribution methods (attribution_method.h):
// any registered method by name, LRP by default; the per-layer relevance of the methods
// that have it.
#include "glassbox/error.h"
#include "glassbox/explain/explanation_report.h"
#include "http_json.h"
#include "relevance_bridge.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

// Row r of a (rows, ...) tensor as a descriptor in the pack.
json add_row(TensorPack& pack, const Tensor& t, std::size_t r) {
  const std::size_t per = t.shape()[0] ? t.size() / t.shape()[0] : 0;
  return pack.add(t.data() + r * per, per, sample_shape_of(t));
}

template <class Registry>
json family(const Registry& r) {
  json out = json::array();
  for (const FactoryInfo& i : r.list())
    out.push_back({{"name", i.name}, {"description", i.description}, {"parameters", i.parameters},
                   {"origin", i.origin}});
  return out;
}

}  // namespace

json relevance_capabilities() {
  const explain::ExplainRequest defaults;
  return {{"method", defaults.method},
          {"methods", family(explain::attribution_method_registry())},
          {"composites", explain::composite_names()},
          {"default", defaults.composite},
          {"rules", family(explain::rule_registry())}};
}

namespace {

std::string class_list(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t k = 0; k < names.size() && k < 32; ++k)
    s += (k ? ", " : "") + std::to_string(k) + (names[k] == std::to_string(k) ? "" : " '" + names[k] + "'");
  return s + (names.size() > 32 ? ", ..." : "");
}

// One entry of layers_for: a class index or a class name.
int class_of(const json& v, const std::vector<std::string>& names, const std::string& where) {
  if (v.is_number_integer() && v.get<long long>() >= 0 && v.get<long long>() < (long long)names.size())
    return v.get<int>();
  if (v.is_string())
    for (std::size_t k = 0; k < names.size(); ++k)
      if (names[k] == v.get<std::string>()) return int(k);
  throw HttpError(400, where + ": " + v.dump().substr(0, 100) +
                           " is not a class of this model (layers_for names the output classes whose per-layer "
                           "relevance is sent: \"all\", \"predicted\", or classes among: " +
                           class_list(names) + ")");
}

// The classes whose per-layer relevance is sent; -1 stands for all of them.
std::vector<int> layer_classes(const json& options, int prediction, const std::vector<std::string>& names) {
  if (!options.contains("layers_for")) return {prediction};
  const json& lf = options["layers_for"];
  if (lf == "all") return {-1};
  if (lf == "predicted") return {prediction};
  std::vector<int> out;
  if (lf.is_array()) {
    if (lf.size() > names.size() + 16) throw HttpError(400, "relevance.layers_for: too many classes");
    for (std::size_t i = 0; i < lf.size(); ++i)
      out.push_back(class_of(lf[i], names, "relevance.layers_for." + std::to_string(i)));
  } else {
    out.push_back(class_of(lf, names, "relevance.layers_for"));
  }
  return out;
}

}  // namespace

namespace {

// The request's method and its fields; bad types are 400s naming the option.
explain::ExplainRequest relevance_request(const json& options) {
  explain::ExplainRequest req;
  if (options.contains("method")) {
    if (!options["method"].is_string())
      throw HttpError(400, "relevance.method: expected a method name (known: " +
                               json(explain::attribution_method_names()).dump() + "), got a " +
                               std::string(options["method"].type_name()));
    req.method = options["method"].get<std::string>();
  }
  if (options.contains("rule_parameters") && !options["rule_parameters"].is_object())
    throw HttpError(400, "relevance.rule_parameters: expected an object of rule parameters, got a " +
                             std::string(options["rule_parameters"].type_name()));
  req.rule_params = options.value("rule_parameters", json::object());
  explain::check_rule_params(req.rule_params, "relevance.rule_parameters");
  if (options.contains("composite")) {
    const json& c = options["composite"];
    if (!c.is_string() && !c.is_object() && !c.is_array())
      throw HttpError(400, "relevance.composite: expected a composite name, list or object (known: " +
                               json(explain::composite_names()).dump() + "), got a " + std::string(c.type_name()));
    req.composite = c;
  }
  req.attribution = explain::AttributionOptions::from_json(options.value("parameters", json::object()),
                                                           "relevance.parameters");
  req.target = explain::Target::all();
  return req;
}

}  // namespace

json explain_relevance(MyDeepLearning& model, const Tensor& input, int prediction, const json& options,
                       const std::vector<std::string>& class_names, TensorPack& pack) {
  const explain::ExplainRequest req = relevance_request(options);
  const explain::MethodPtr method = explain::make_method(req, "relevance");

  // Per-layer relevance is sent for the classes asked for ("layers_for"), by default the
  // predicted one: every class times every layer would be most of the answer's bytes.
  const std::vector<int> classes = layer_classes(options, prediction, class_names);
  auto want_layers = [&](int c) {
    for (int k : classes) if (k == -1 || k == c) return true;
    return false;
  };

  // A composite that gives no rule for one of this model's layers is the request's
  // fault (a composite object from the page, or a named one unfit for a plugin layer).
  explain::Explanation e;
  try {
    e = method->attribute_model(model, input, req.target, true);
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& err) {
    throw HttpError(400, "relevance: cannot explain this model with " + method->name() + ": " + err.what());
  }

  const explain::Attribution& a = e.attribution;
  const explain::LrpResult* layerwise = e.layerwise.get();
  json targets = json::array();
  for (std::size_t row = 0; row < a.rows(); ++row) {
    const int cls = a.target[row];
    const double input_sum = layerwise ? layerwise->input_sum[row]
                                       : explain::basic_row_summary(a, row)["input_relevance_sum"].get<double>();
    json t = {{"class", cls}, {"logit", a.logit[row]}, {"input_sum", input_sum},
              {"input", add_row(pack, a.relevance, row)}};
    json layers = json::array();
    if (layerwise) {
      t["conservation_error"] = layerwise->conservation_error(row);
      for (std::size_t i = 0; i < layerwise->layer_sums[row].size(); ++i) {
        json l = {{"index", i}, {"sum", layerwise->layer_sums[row][i]}};
        if (i < model.size()) {  // by name, with the nodes it takes: the page draws the graph
          l["name"] = model.layer(i).name();
          l["inputs"] = model.layer_input_names(i);
        }
        if (want_layers(cls) && i < layerwise->layer_relevance.size() && layerwise->layer_relevance[i].size())
          l["values"] = add_row(pack, layerwise->layer_relevance[i], row);
        layers.push_back(l);
      }
    }
    t["layers"] = layers;
    targets.push_back(t);
  }
  json plan = json::array();
  if (layerwise)
    for (const auto& p : layerwise->plan)
      plan.push_back({{"index", p.index}, {"name", p.name}, {"rule", p.rule}, {"parameters", p.rule_parameters},
                      {"inputs", p.inputs}});
  json out = {{"method", a.method}, {"parameters", a.parameters}, {"targets", targets}, {"plan", plan}};
  if (layerwise) out["composite"] = layerwise->composite;
  return out;
}

}  // namespace glassbox::server
