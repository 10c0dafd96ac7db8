#include "glassbox/explain/explanation_report.h"

#include <filesystem>

#include "glassbox/error.h"
#include "glassbox/model.h"
#include "glassbox/npy.h"

namespace glassbox::explain {

using nlohmann::json;
namespace fs = std::filesystem;

json ExplainRequest::to_json() const {
  json j{{"method", method}, {"target", target.to_string()}};
  if (method == "lrp") {
    j["composite"] = composite;
    if (!rule_params.empty()) j["rule_params"] = rule_params;
  } else {
    j["parameters"] = attribution.to_json(method);
  }
  return j;
}

namespace {

Attribution from_lrp(const LrpResult& r) {
  Attribution a;
  a.method = "lrp";
  a.parameters = {{"composite", r.composite}};
  a.sample = r.sample;
  a.target = r.target;
  a.predicted = r.predicted;
  a.logit = r.logit;
  a.relevance = r.input_relevance;
  return a;
}

}  // namespace

Explanation explain_batch(ExplainedNetwork& net, const ExplainRequest& request, const Tensor& x, bool keep_layers) {
  Explanation e;
  if (request.method == "lrp") {
    // The LRP engine clones the network's layers again; ExplainedNetwork's layers are
    // already clones, so hand them over as a stack.
    std::vector<const Layer*> layers;
    for (std::size_t i = 0; i < net.size(); ++i) layers.push_back(&net.layer(i));
    Composite c = composite_from_json(request.composite, request.rule_params, "composite");
    LrpOptions o;
    o.batch_size = request.attribution.batch_size;
    o.keep_layers = keep_layers;
    Lrp lrp(layers, net.input_shape(), std::move(c), o, net.registry());
    e.lrp = std::make_unique<LrpResult>(lrp.explain(x, request.target));
    if (net.skipped_final_softmax()) {
      // Report the plan of the whole model: the engine saw it without the softmax.
      LrpLayerPlan p;
      p.index = net.size();
      p.type = p.kind = p.role = "softmax";
      p.rule = "skipped_softmax";
      e.lrp->plan.push_back(p);
      for (auto& sums : e.lrp->layer_sums) sums.push_back(sums.empty() ? 0.0 : sums.back());
    }
    e.attribution = from_lrp(*e.lrp);
    e.attribution.parameters = request.to_json();
    return e;
  }
  e.attribution = attribute(net, request.method, x, request.target, request.attribution);
  return e;
}

Explanation explain_batch(const MyDeepLearning& model, const ExplainRequest& request, const Tensor& x,
                          bool keep_layers) {
  if (request.method == "lrp") {
    Composite c = composite_from_json(request.composite, request.rule_params, "composite");
    LrpOptions o;
    o.batch_size = request.attribution.batch_size;
    o.keep_layers = keep_layers;
    Lrp lrp(model, std::move(c), o);
    Explanation e;
    e.lrp = std::make_unique<LrpResult>(lrp.explain(x, request.target));
    e.attribution = from_lrp(*e.lrp);
    e.attribution.parameters = request.to_json();
    return e;
  }
  ExplainedNetwork net(model);
  return explain_batch(net, request, x, keep_layers);
}

json row_summary(const Explanation& e, std::size_t r, const std::vector<std::string>& names) {
  const Attribution& a = e.attribution;
  json j;
  if (e.lrp) {
    j = e.lrp->summary(r);
  } else {
    const std::size_t per = a.relevance.size() / std::max<std::size_t>(a.rows(), 1);
    double sum = 0;
    for (std::size_t k = 0; k < per; ++k) sum += a.relevance.data()[r * per + k];
    j = {{"method", a.method},
         {"sample", a.sample.at(r)},
         {"explained_class", a.target.at(r)},
         {"predicted_class", a.predicted.at(r)},
         {"logit", a.logit.at(r)},
         {"input_relevance_sum", sum}};
    if (a.method == "integrated_gradients")
      j["note"] = "completeness: the sum approximates logit(x) - logit(baseline)";
  }
  j["parameters"] = a.parameters;
  auto name = [&](int c) { return c >= 0 && static_cast<std::size_t>(c) < names.size() ? names[c] : std::to_string(c); };
  if (!names.empty()) {
    j["explained_class_name"] = name(a.target.at(r));
    j["predicted_class_name"] = name(a.predicted.at(r));
  }
  return j;
}

json write_explanations(const std::string& dir, const Tensor& x, const Explanation& e, const ExplainRequest& request,
                        const ReportOptions& o) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the output folder (" + ec.message() + ")");
  const Attribution& a = e.attribution;
  Shape sample_shape(x.shape().begin() + 1, x.shape().end());
  json rows = json::array();
  std::vector<bool> input_written(x.shape(0), false);
  for (std::size_t r = 0; r < a.rows(); ++r) {
    const std::size_t s = a.sample[r];
    const long id = s < o.sample_ids.size() ? o.sample_ids[s] : static_cast<long>(s);
    const std::string stem = "s" + std::to_string(id) + "_c" + std::to_string(a.target[r]) + "_" + a.method;
    Tensor rel = a.row(r);
    Tensor in = gather_rows(x, {s});
    rel.reshape(sample_shape);
    in.reshape(sample_shape);
    json files = json::object();
    if (o.write_npy) {
      write_npy((fs::path(dir) / (stem + ".npy")).string(), rel);
      files["relevance"] = stem + ".npy";
    }
    write_png((fs::path(dir) / (stem + ".png")).string(), render_heatmap(rel, o.heatmap));
    files["heatmap"] = stem + ".png";
    if (o.write_overlay) {
      HeatmapOptions h = o.heatmap;
      h.overlay = true;
      write_png((fs::path(dir) / (stem + "_overlay.png")).string(), render_heatmap(rel, h, &in));
      files["overlay"] = stem + "_overlay.png";
    }
    if (o.write_inputs) {
      const std::string input_name = "s" + std::to_string(id) + "_input.png";
      if (!input_written[s]) write_png((fs::path(dir) / input_name).string(), render_input(in, o.heatmap.min_size));
      input_written[s] = true;
      files["input"] = input_name;
    }
    json j = row_summary(e, r, o.class_names);
    j["sample"] = id;
    if (s < o.labels.size()) {
      j["label"] = o.labels[s];
      if (static_cast<std::size_t>(o.labels[s]) < o.class_names.size()) j["label_name"] = o.class_names[o.labels[s]];
    }
    j["files"] = files;
    rows.push_back(j);
  }
  json out{{"request", request.to_json()}, {"count", a.rows()}, {"explanations", rows}};
  write_file_atomic((fs::path(dir) / "explanations.json").string(), out.dump(2) + "\n");
  return out;
}

}  // namespace glassbox::explain
