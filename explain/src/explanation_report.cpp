#include "glassbox/explain/explanation_report.h"

#include <filesystem>

#include "glassbox/error.h"
#include "glassbox/model.h"
#include "glassbox/npy.h"

namespace glassbox::explain {

using nlohmann::json;
namespace fs = std::filesystem;

Explanation explain_batch(ExplainedNetwork& net, const ExplainRequest& request, const Tensor& x, bool keep_layers) {
  MethodPtr method = make_method(request);
  Explanation e = method->attribute(net, x, request.target, keep_layers);
  e.method = std::move(method);
  return e;
}

Explanation explain_batch(const MyDeepLearning& model, const ExplainRequest& request, const Tensor& x,
                          bool keep_layers) {
  MethodPtr method = make_method(request);
  Explanation e = method->attribute_model(model, x, request.target, keep_layers);
  e.method = std::move(method);
  return e;
}

json row_summary(const Explanation& e, std::size_t r, const std::vector<std::string>& names) {
  const Attribution& a = e.attribution;
  json j = e.method ? e.method->row_summary(e, r) : basic_row_summary(a, r);
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
  const Shape sample_shape = sample_shape_of(x);
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
