// The LRP side of relevance_bridge.h, over the explain library (explain/lrp.h).
#include "glassbox/error.h"
#include "glassbox/explain/composites.h"
#include "glassbox/explain/lrp.h"
#include "http_json.h"
#include "relevance_bridge.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

std::vector<std::size_t> row_shape(const Tensor& t) {
  return std::vector<std::size_t>(t.shape().begin() + 1, t.shape().end());
}

// Row r of a (rows, ...) tensor as a descriptor in the pack.
json add_row(TensorPack& pack, const Tensor& t, std::size_t r) {
  const std::size_t per = t.shape()[0] ? t.size() / t.shape()[0] : 0;
  return pack.add(t.data() + r * per, per, row_shape(t));
}

}  // namespace

json relevance_capabilities() {
  return {{"method", "lrp"},
          {"composites", explain::composite_names()},
          {"default", "epsilon-plus"}};
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

json explain_relevance(MyDeepLearning& model, const Tensor& input, int prediction, const json& options,
                       const std::vector<std::string>& class_names, TensorPack& pack) {
  if (options.contains("rule_parameters") && !options["rule_parameters"].is_object())
    throw HttpError(400, "relevance.rule_parameters: expected an object of rule parameters, got a " +
                             std::string(options["rule_parameters"].type_name()));
  const json params = options.value("rule_parameters", json::object());
  explain::Composite composite;
  if (options.contains("composite") && options["composite"].is_object())
    composite = explain::composite_from_json(options["composite"], params, "relevance.composite");
  else if (options.contains("composite") && !options["composite"].is_string())
    throw HttpError(400, "relevance.composite: expected a composite name or object (known: " +
                             json(explain::composite_names()).dump() + "), got a " +
                             std::string(options["composite"].type_name()));
  else
    composite = explain::make_composite(options.value("composite", std::string("epsilon-plus")), params);

  // Per-layer relevance is sent for the classes asked for ("layers_for"), by default the
  // predicted one: every class times every layer would be most of the answer's bytes.
  const std::vector<int> classes = layer_classes(options, prediction, class_names);
  auto want_layers = [&](int c) {
    for (int k : classes) if (k == -1 || k == c) return true;
    return false;
  };

  // A composite that gives no rule for one of this model's layers is the request's
  // fault (a composite object from the page, or a named one unfit for a plugin layer).
  explain::LrpResult r;
  try {
    explain::Lrp lrp(model, std::move(composite), explain::LrpOptions().keep_layer_relevance(true));
    r = lrp.explain(input, explain::Target::all());
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw HttpError(400, std::string("relevance.composite: cannot explain this model: ") + e.what());
  }

  json targets = json::array();
  for (std::size_t row = 0; row < r.rows(); ++row) {
    const int cls = r.target[row];
    json t = {{"class", cls},
              {"logit", r.logit[row]},
              {"input_sum", r.input_sum[row]},
              {"conservation_error", r.conservation_error(row)},
              {"input", add_row(pack, r.input_relevance, row)}};
    json layers = json::array();
    for (std::size_t i = 0; i < r.layer_sums[row].size(); ++i) {
      json l = {{"index", i}, {"sum", r.layer_sums[row][i]}};
      if (want_layers(cls) && i < r.layer_relevance.size() && r.layer_relevance[i].size())
        l["values"] = add_row(pack, r.layer_relevance[i], row);
      layers.push_back(l);
    }
    t["layers"] = layers;
    targets.push_back(t);
  }
  json plan = json::array();
  for (const auto& p : r.plan)
    plan.push_back({{"index", p.index}, {"name", p.name}, {"rule", p.rule}, {"parameters", p.rule_parameters}});
  return {{"method", "lrp"}, {"composite", r.composite}, {"targets", targets}, {"plan", plan}};
}

}  // namespace glassbox::server
