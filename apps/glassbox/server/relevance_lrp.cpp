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

json explain_relevance(MyDeepLearning& model, const Tensor& input, int prediction, const json& options,
                       TensorPack& pack) {
  const json params = options.value("rule_parameters", json::object());
  explain::Composite composite;
  if (options.contains("composite") && options["composite"].is_object())
    composite = explain::composite_from_json(options["composite"], params, "relevance.composite");
  else
    composite = explain::make_composite(options.value("composite", std::string("epsilon-plus")), params);

  // Per-layer relevance is sent for the classes asked for ("layers_for"), by default the
  // predicted one: every class times every layer would be most of the answer's bytes.
  std::vector<int> layer_classes;
  const json lf = options.value("layers_for", json("predicted"));
  if (lf.is_string() && lf == "all") layer_classes = {-1};
  else if (lf.is_number_integer()) layer_classes = {lf.get<int>()};
  else if (lf.is_array()) for (const auto& c : lf) layer_classes.push_back(c.get<int>());
  else layer_classes = {prediction};
  auto want_layers = [&](int c) {
    for (int k : layer_classes) if (k == -1 || k == c) return true;
    return false;
  };

  explain::Lrp lrp(model, std::move(composite), explain::LrpOptions().keep_layer_relevance(true));
  explain::LrpResult r = lrp.explain(input, explain::Target::all());

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
