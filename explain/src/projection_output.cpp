// The projection study's files and report: projection.json, the coordinates as .npy, a
// scatter plot per layer (trained classes as coloured dots, unseen inputs as black crosses).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/explain/layer_projection.h"
#include "glassbox/explain/plot_image.h"
#include "glassbox/npy.h"

namespace glassbox::explain {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string file_stem(const LayerProjection& l) { return l.layer.index < 0 ? "input" : l.layer.name; }

std::vector<float> as_float(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

// Points (x, y) of `coords` (rows x k, k >= 1; y = 0 when k is 1) scaled into a square canvas
// together: the same bounds for the fitted and the unseen points.
struct Frame {
  double lo_x = 0, hi_x = 1, lo_y = 0, hi_y = 1;
  long size = 360, margin = 12;
  void include(const std::vector<double>& c, std::size_t k) {
    for (std::size_t i = 0; i + k <= c.size(); i += k) {
      lo_x = std::min(lo_x, c[i]), hi_x = std::max(hi_x, c[i]);
      const double y = k > 1 ? c[i + 1] : 0.0;
      lo_y = std::min(lo_y, y), hi_y = std::max(hi_y, y);
    }
  }
  long px(double x) const { return margin + std::lround((x - lo_x) / (hi_x - lo_x) * (size - 2 * margin)); }
  long py(double y) const { return size - margin - std::lround((y - lo_y) / (hi_y - lo_y) * (size - 2 * margin)); }
};

Image scatter(const LayerProjection& l, const std::vector<int>& labels) {
  const std::size_t k = l.pca.axes.size();
  Frame f;
  f.lo_x = f.lo_y = std::numeric_limits<double>::infinity();
  f.hi_x = f.hi_y = -std::numeric_limits<double>::infinity();
  f.include(l.coords, k);
  f.include(l.unseen_coords, k);
  if (!(f.hi_x > f.lo_x)) f.hi_x = f.lo_x + 1;
  if (!(f.hi_y > f.lo_y)) f.hi_y = f.lo_y + 1;
  Image img(static_cast<std::size_t>(f.size), static_cast<std::size_t>(f.size));
  img.line(f.margin, f.py(0.0), f.size - f.margin, f.py(0.0), {225, 225, 225});
  img.line(f.px(0.0), f.margin, f.px(0.0), f.size - f.margin, {225, 225, 225});
  for (std::size_t i = 0; i < labels.size(); ++i)
    img.fill_rect(f.px(l.coords[i * k]) - 1, f.py(k > 1 ? l.coords[i * k + 1] : 0.0) - 1, 3, 3,
                  palette_color(static_cast<std::size_t>(labels[i])));
  for (std::size_t i = 0; i * k < l.unseen_coords.size(); ++i) {
    const long x = f.px(l.unseen_coords[i * k]), y = f.py(k > 1 ? l.unseen_coords[i * k + 1] : 0.0);
    img.line(x - 2, y - 2, x + 2, y + 2, {0, 0, 0});
    img.line(x - 2, y + 2, x + 2, y - 2, {0, 0, 0});
  }
  return img;
}

// The mean of the rows of coords (rows x k) whose label is c (all rows when labels is empty).
std::vector<double> centre(const std::vector<double>& coords, std::size_t k, const std::vector<int>& labels, int c) {
  std::vector<double> m(k, 0.0);
  std::size_t count = 0;
  for (std::size_t i = 0; i * k < coords.size(); ++i) {
    if (!labels.empty() && labels[i] != c) continue;
    for (std::size_t a = 0; a < k; ++a) m[a] += coords[i * k + a];
    ++count;
  }
  for (double& v : m) v = count ? v / static_cast<double>(count) : std::numeric_limits<double>::quiet_NaN();
  return m;
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(d);
}

}  // namespace

json layer_projection_json(const ProjectionStudy& s) {
  json layers = json::array();
  for (const auto& l : s.layers) {
    const std::string stem = file_stem(l);
    json j = {{"index", l.layer.index}, {"name", l.layer.name}, {"type", l.layer.type},
              {"features", l.layer.features}, {"components", l.pca.axes.size()},
              {"variance_ratio", l.pca.variance_ratio}, {"total_variance", l.pca.total_variance},
              {"coords", "projection/arrays/" + stem + ".coords.npy"}};
    if (!l.unseen_coords.empty()) j["unseen_coords"] = "projection/arrays/" + stem + ".unseen.npy";
    if (s.options.plots) j["plot"] = "projection/plots/" + stem + ".png";
    layers.push_back(j);
  }
  json j = {{"method", "pca"}, {"split", s.split}, {"samples", s.inputs.size()}, {"unseen_samples", s.unseen_inputs.size()},
            {"seed", s.options.seed}, {"class_names", s.class_names}, {"unseen_classes", s.unseen_names},
            {"layers", layers}, {"seconds", s.seconds},
            {"arrays", {{"inputs", "projection/arrays/inputs.npy"}, {"labels", "projection/arrays/labels.npy"}}}};
  if (!s.unseen_inputs.empty()) {
    j["arrays"]["unseen_inputs"] = "projection/arrays/unseen_inputs.npy";
    j["arrays"]["unseen_labels"] = "projection/arrays/unseen_labels.npy";
  }
  return j;
}

void write_layer_projections(const ProjectionStudy& s, const std::string& dir) {
  const fs::path arrays = fs::path(dir) / "projection" / "arrays", plots = fs::path(dir) / "projection" / "plots";
  std::error_code ec;
  fs::create_directories(arrays, ec);
  if (!ec && s.options.plots) fs::create_directories(plots, ec);
  if (ec) throw Error((fs::path(dir) / "projection").string() + ": cannot create the folder (" + ec.message() + ")");
  auto write_ints = [&](const std::string& name, const std::vector<std::int64_t>& v) {
    write_npy((arrays / name).string(), v.data(), Shape{v.size()});
  };
  write_ints("inputs.npy", std::vector<std::int64_t>(s.inputs.begin(), s.inputs.end()));
  write_ints("labels.npy", std::vector<std::int64_t>(s.labels.begin(), s.labels.end()));
  if (!s.unseen_inputs.empty()) {
    write_ints("unseen_inputs.npy", std::vector<std::int64_t>(s.unseen_inputs.begin(), s.unseen_inputs.end()));
    write_ints("unseen_labels.npy", std::vector<std::int64_t>(s.unseen_labels.begin(), s.unseen_labels.end()));
  }
  for (const auto& l : s.layers) {
    const std::size_t k = l.pca.axes.size();
    const std::string stem = file_stem(l);
    write_npy((arrays / (stem + ".coords.npy")).string(), as_float(l.coords).data(), Shape{s.inputs.size(), k});
    if (!l.unseen_coords.empty())
      write_npy((arrays / (stem + ".unseen.npy")).string(), as_float(l.unseen_coords).data(),
                Shape{s.unseen_inputs.size(), k});
    if (s.options.plots) write_png((plots / (stem + ".png")).string(), scatter(l, s.labels));
  }
  write_file_atomic((fs::path(dir) / "projection.json").string(), layer_projection_json(s).dump(2) + "\n");
}

std::string layer_projection_report(const ProjectionStudy& s) {
  std::ostringstream o;
  o << "projection: PCA of " << s.inputs.size() << " held-out inputs per layer";
  if (!s.unseen_inputs.empty()) o << ", " << s.unseen_inputs.size() << " unseen inputs projected";
  o << " (projection.json)\n" << std::fixed << std::setprecision(3);
  for (const auto& l : s.layers) {
    const std::size_t k = l.pca.axes.size();
    double shown = 0;
    for (double r : l.pca.variance_ratio) shown += r;
    o << "  " << std::left << std::setw(20) << l.layer.name << std::right << " variance on " << k
      << " axes " << std::setw(6) << shown;
    if (!l.unseen_coords.empty() && !s.class_names.empty()) {
      std::vector<std::vector<double>> centres;
      for (std::size_t c = 0; c < s.class_names.size(); ++c)
        centres.push_back(centre(l.coords, k, s.labels, static_cast<int>(c)));
      const auto u = centre(l.unseen_coords, k, {}, 0);
      std::size_t nearest = 0;
      for (std::size_t c = 1; c < centres.size(); ++c)
        if (distance(u, centres[c]) < distance(u, centres[nearest])) nearest = c;
      double apart = std::numeric_limits<double>::infinity();  // the closest two class centres
      for (std::size_t a = 0; a < centres.size(); ++a)
        for (std::size_t b = a + 1; b < centres.size(); ++b) apart = std::min(apart, distance(centres[a], centres[b]));
      o << "   unseen centre nearest '" << s.class_names[nearest] << "' at " << distance(u, centres[nearest]);
      if (std::isfinite(apart)) o << " (class centres " << apart << " apart)";
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace glassbox::explain
