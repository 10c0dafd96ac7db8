#include "glassbox/explain/explanation_report.h"

#include <algorithm>
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

ReportRows report_rows(const Explanation& e, const std::vector<std::string>& class_names) {
  const Attribution& a = e.attribution;
  ReportRows out;
  out.method = a.method;
  out.sample = a.sample;
  out.target = a.target;
  out.relevance.assign(a.relevance.data(), a.relevance.data() + a.relevance.size());
  for (std::size_t r = 0; r < a.rows(); ++r) out.summaries.push_back(row_summary(e, r, class_names));
  return out;
}

namespace {

// Row r's files (relevance .npy, heatmap, overlay, input) in `dir`; returns their names.
json write_row_files(const fs::path& dir, const Tensor& x, const ReportRows& rows, std::size_t r, long id,
                     const ReportOptions& o, std::vector<bool>& input_written) {
  const Shape sample_shape = sample_shape_of(x);
  const std::size_t s = rows.sample[r], per = shape_size(sample_shape);
  const std::string stem = "s" + std::to_string(id) + "_c" + std::to_string(rows.target[r]) + "_" + rows.method;
  Tensor rel = Tensor::from_shape(sample_shape);
  std::copy(rows.relevance.begin() + static_cast<std::ptrdiff_t>(r * per),
            rows.relevance.begin() + static_cast<std::ptrdiff_t>((r + 1) * per), rel.data());
  Tensor in = gather_rows(x, {s});
  in.reshape(sample_shape);
  json files = json::object();
  if (o.write_npy) {
    write_npy((dir / (stem + ".npy")).string(), rel);
    files["relevance"] = stem + ".npy";
  }
  write_png((dir / (stem + ".png")).string(), render_heatmap(rel, o.heatmap));
  files["heatmap"] = stem + ".png";
  if (o.write_overlay) {
    HeatmapOptions h = o.heatmap;
    h.overlay = true;
    write_png((dir / (stem + "_overlay.png")).string(), render_heatmap(rel, h, &in));
    files["overlay"] = stem + "_overlay.png";
  }
  if (o.write_inputs) {
    const std::string input_name = "s" + std::to_string(id) + "_input.png";
    if (!input_written[s]) write_png((dir / input_name).string(), render_input(in, o.heatmap.min_size));
    input_written[s] = true;
    files["input"] = input_name;
  }
  return files;
}

}  // namespace

json write_report_rows(const std::string& dir, const Tensor& x, const ReportRows& rows, const ExplainRequest& request,
                       const ReportOptions& o) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the output folder (" + ec.message() + ")");
  const std::size_t per = shape_size(sample_shape_of(x));
  if (rows.relevance.size() != rows.rows() * per || rows.summaries.size() != rows.rows() || rows.target.size() != rows.rows())
    throw Error(dir + ": the explanation's rows do not match its relevance and summaries");
  json out_rows = json::array();
  std::vector<bool> input_written(x.shape(0), false);
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    const std::size_t s = rows.sample[r];
    if (s >= x.shape(0)) throw Error(dir + ": an explained row names sample " + std::to_string(s) + " of a batch of " +
                                     std::to_string(x.shape(0)));
    const long id = s < o.sample_ids.size() ? o.sample_ids[s] : static_cast<long>(s);
    json j = rows.summaries[r];
    j["sample"] = id;
    if (s < o.labels.size()) {
      j["label"] = o.labels[s];
      if (static_cast<std::size_t>(o.labels[s]) < o.class_names.size()) j["label_name"] = o.class_names[o.labels[s]];
    }
    j["files"] = write_row_files(dir, x, rows, r, id, o, input_written);
    out_rows.push_back(j);
  }
  json out{{"request", request.to_json()}, {"count", rows.rows()}, {"explanations", out_rows}};
  write_file_atomic((fs::path(dir) / "explanations.json").string(), out.dump(2) + "\n");
  return out;
}

json write_explanations(const std::string& dir, const Tensor& x, const Explanation& e, const ExplainRequest& request,
                        const ReportOptions& o) {
  return write_report_rows(dir, x, report_rows(e, o.class_names), request, o);
}

}  // namespace glassbox::explain
