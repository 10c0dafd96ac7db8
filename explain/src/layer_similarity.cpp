#include "glassbox/explain/layer_similarity.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/explain/plot_image.h"
#include "glassbox/npy.h"
#include "glassbox/sample_split.h"
#include "section_value.h"

namespace glassbox::explain {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// n^2 doubles per layer: 4096 inputs are 128 MB per layer.
constexpr std::size_t kMaxSamples = 4096;



json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json matrix_json(const std::vector<std::vector<double>>& m) {
  json out = json::array();
  for (const auto& row : m) {
    json r = json::array();
    for (double v : row) r.push_back(num(v));
    out.push_back(r);
  }
  return out;
}

json layers_json(const std::vector<SimilarityLayer>& layers) {
  json out = json::array();
  for (const auto& l : layers)
    out.push_back({{"index", l.index}, {"name", l.name}, {"type", l.type}, {"features", l.features}});
  return out;
}

std::vector<std::vector<double>> cka_matrix(const std::vector<CenteredGram>& a, const std::vector<CenteredGram>& b) {
  std::vector<std::vector<double>> m(a.size(), std::vector<double>(b.size()));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j) m[i][j] = &a == &b && j < i ? m[j][i] : cka(a[i], b[j]);
  return m;
}

void write_matrix(const std::string& base, const std::vector<std::vector<double>>& m, bool plot) {
  const std::size_t rows = m.size(), cols = rows ? m[0].size() : 0;
  std::vector<float> f;
  std::vector<double> d;
  for (const auto& row : m)
    for (double v : row) f.push_back(static_cast<float>(v)), d.push_back(v);
  write_npy(base + ".npy", f.data(), Shape{rows, cols});
  if (plot) write_png(base + ".png", matrix_image(d, rows, cols, 40, Colormap::viridis, 0.0, 1.0));
}

}  // namespace

CenteredGram::CenteredGram(const float* x, std::size_t n, std::size_t p) : n_(n) {
  if (n == 0 || p == 0) throw Error("CKA: a layer needs at least one input and one feature");
  std::vector<double> mean(p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) mean[j] += x[i * p + j];
  for (double& m : mean) m /= static_cast<double>(n);
  std::vector<double> xc(n * p);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < p; ++j) xc[i * p + j] = x[i * p + j] - mean[j];
  k_.assign(n * n, 0.0);
  cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, static_cast<int>(n), static_cast<int>(p), 1.0, xc.data(),
              static_cast<int>(p), 0.0, k_.data(), static_cast<int>(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) k_[i * n + j] = k_[j * n + i];
  norm_ = std::sqrt(cblas_ddot(static_cast<int>(n * n), k_.data(), 1, k_.data(), 1));
}

double cka(const CenteredGram& a, const CenteredGram& b) {
  if (a.size() != b.size())
    throw Error("CKA: Gram matrices of " + std::to_string(a.size()) + " and " + std::to_string(b.size()) +
                " inputs (both layers must see the same inputs)");
  if (!(a.norm() > 0) || !(b.norm() > 0)) return std::numeric_limits<double>::quiet_NaN();
  const double dot = cblas_ddot(static_cast<int>(a.size() * a.size()), a.values().data(), 1, b.values().data(), 1);
  return dot / (a.norm() * b.norm());
}

double linear_cka(const float* x, std::size_t p, const float* y, std::size_t q, std::size_t n) {
  return cka(CenteredGram(x, n, p), CenteredGram(y, n, q));
}

SimilarityOptions SimilarityOptions::from_json(const json& s, const std::string& where) {
  SimilarityOptions o;
  validate_section(s, "similarity", where);  // keys, types and ranges, as in an experiment file
  o.enabled = section_value<bool>(s, "enabled", o.enabled);
  o.samples = section_value<std::size_t>(s, "samples", o.samples);
  o.batch_size = section_value<std::size_t>(s, "batch_size", o.batch_size);
  o.seed = section_value<std::uint64_t>(s, "seed", o.seed);
  o.include_input = section_value<bool>(s, "include_input", o.include_input);
  o.include_reshape = section_value<bool>(s, "include_reshape", o.include_reshape);
  o.compare_model = section_value<std::string>(s, "compare_model", o.compare_model);
  o.plots = section_value<bool>(s, "plots", o.plots);
  return o;
}

std::vector<SimilarityLayer> similarity_layers(const MyDeepLearning& model, const SimilarityOptions& o) {
  std::vector<SimilarityLayer> out;
  if (o.include_input) out.push_back({-1, "input", "input", shape_size(model.input_shape())});
  for (std::size_t i = 0; i < model.size(); ++i) {
    const Layer& l = model.layer(i);
    const LayerKind k = l.kind();
    if (!o.include_reshape && (k == LayerKind::reshape || k == LayerKind::dropout)) continue;
    if (k == LayerKind::softmax) continue;
    out.push_back({static_cast<int>(i), l.name(), l.type(), shape_size(model.layer_output_shape(i))});
  }
  return out;
}

std::vector<std::vector<float>> layer_activations(MyDeepLearning& model, const std::vector<SimilarityLayer>& layers,
                                                  const Tensor& x, std::size_t batch_size) {
  const std::size_t n = x.dimension() ? x.shape(0) : 0;
  std::vector<int> slot(model.size() + 1, -1);
  for (std::size_t p = 0; p < layers.size(); ++p) slot.at(static_cast<std::size_t>(layers[p].index + 1)) = static_cast<int>(p);
  std::vector<std::vector<float>> acts(layers.size());
  for (std::size_t p = 0; p < layers.size(); ++p) acts[p].resize(n * layers[p].features);
  const std::size_t per_input = n ? x.size() / n : 0;
  auto copy = [&](int s, const float* src, std::size_t row0, std::size_t rows) {
    if (s < 0) return;
    const std::size_t f = layers[static_cast<std::size_t>(s)].features;
    std::copy(src, src + rows * f, acts[static_cast<std::size_t>(s)].begin() + static_cast<std::ptrdiff_t>(row0 * f));
  };
  batch_size = std::max<std::size_t>(1, batch_size);
  for (std::size_t b = 0; b < n; b += batch_size) {
    const std::size_t e = std::min(n, b + batch_size);
    Tensor xb = Tensor::from_shape(batch_shape(e - b, model.input_shape()));
    std::copy(x.data() + b * per_input, x.data() + e * per_input, xb.data());
    copy(slot[0], xb.data(), b, e - b);
    model.forward(xb, [&](std::size_t index, const Layer&, const Tensor&, const Tensor& out) {
      copy(slot[index + 1], out.data(), b, e - b);
    });
  }
  return acts;
}

std::vector<CenteredGram> layer_grams(MyDeepLearning& model, const std::vector<SimilarityLayer>& layers,
                                      const Tensor& x, std::size_t batch_size) {
  const std::size_t n = x.dimension() ? x.shape(0) : 0;
  if (n < 2) throw DataError("layer similarity: needs at least two inputs, got " + std::to_string(n));
  auto acts = layer_activations(model, layers, x, batch_size);
  std::vector<CenteredGram> grams;
  for (std::size_t p = 0; p < layers.size(); ++p) {
    grams.emplace_back(acts[p].data(), n, layers[p].features);
    std::vector<float>().swap(acts[p]);  // the floats are no longer needed
  }
  return grams;
}

LayerSimilarity layer_similarity(MyDeepLearning& model, MyDeepLearning* other, const LabeledData& data,
                                 const SimilarityOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  if (other && other->input_shape() != model.input_shape())
    throw ConfigError("layer similarity: the compared model takes inputs of shape " +
                      shape_to_string(other->input_shape()) + ", this one " + shape_to_string(model.input_shape()));
  LayerSimilarity s;
  s.options = options;
  std::vector<std::size_t> idx = shuffled_indices(data.size(), options.seed);
  if (options.samples && idx.size() > options.samples) idx.resize(options.samples);
  if (idx.size() > kMaxSamples)
    throw ConfigError("layer similarity: samples 0 takes every one of the " + std::to_string(idx.size()) +
                      " inputs, more than " + std::to_string(kMaxSamples) + " (each layer keeps samples^2 doubles); "
                      "set samples");
  std::sort(idx.begin(), idx.end());
  s.samples = idx.size();
  const Tensor x = data.batch(idx);
  s.layers = similarity_layers(model, options);
  const auto grams = layer_grams(model, s.layers, x, options.batch_size);
  s.cka = cka_matrix(grams, grams);
  if (other) {
    s.other_layers = similarity_layers(*other, options);
    const auto other_grams = layer_grams(*other, s.other_layers, x, options.batch_size);
    s.cross = cka_matrix(grams, other_grams);
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

json layer_similarity_json(const LayerSimilarity& s) {
  json j = {{"measure", "linear_cka"},
            {"samples", s.samples},
            {"seed", s.options.seed},
            {"layers", layers_json(s.layers)},
            {"cka", matrix_json(s.cka)},
            {"seconds", s.seconds},
            {"arrays", {{"cka", "similarity/cka.npy"}}}};
  if (s.options.plots) j["plots"] = {{"cka", "similarity/cka.png"}};
  if (!s.other_layers.empty()) {
    json same = json::array();
    for (std::size_t i = 0; i < s.layers.size(); ++i)
      for (std::size_t k = 0; k < s.other_layers.size(); ++k)
        if (s.other_layers[k].index == s.layers[i].index)
          same.push_back({{"index", s.layers[i].index}, {"name", s.layers[i].name}, {"cka", num(s.cross[i][k])}});
    j["compared"] = {{"model", s.options.compare_model},
                     {"layers", layers_json(s.other_layers)},
                     {"cka", matrix_json(s.cross)},
                     {"same_layer", same}};
    j["arrays"]["cka_models"] = "similarity/cka_models.npy";
    if (s.options.plots) j["plots"]["cka_models"] = "similarity/cka_models.png";
  }
  return j;
}

void write_layer_similarity(const LayerSimilarity& s, const std::string& dir) {
  const fs::path folder = fs::path(dir) / "similarity";
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) throw Error(folder.string() + ": cannot create the folder (" + ec.message() + ")");
  write_matrix((folder / "cka").string(), s.cka, s.options.plots);
  if (!s.other_layers.empty()) write_matrix((folder / "cka_models").string(), s.cross, s.options.plots);
  write_file_atomic((fs::path(dir) / "similarity.json").string(), layer_similarity_json(s).dump(2) + "\n");
}

std::string layer_similarity_report(const LayerSimilarity& s) {
  std::ostringstream o;
  o << "layer similarity: linear CKA on " << s.samples << " held-out inputs (similarity.json)\n";
  o << "  " << std::left << std::setw(20) << "layer" << std::right << std::setw(10) << "previous" << std::setw(10)
    << "input";
  if (!s.other_layers.empty()) o << std::setw(12) << "other model";
  o << "\n" << std::fixed << std::setprecision(3);
  const bool has_input = !s.layers.empty() && s.layers[0].index < 0;
  auto cell = [&](double v) {
    if (std::isfinite(v)) o << std::setw(10) << v;
    else o << std::setw(10) << "-";
  };
  for (std::size_t i = 0; i < s.layers.size(); ++i) {
    o << "  " << std::left << std::setw(20) << s.layers[i].name << std::right;
    cell(i ? s.cka[i][i - 1] : std::numeric_limits<double>::quiet_NaN());
    cell(has_input ? s.cka[i][0] : std::numeric_limits<double>::quiet_NaN());
    if (!s.other_layers.empty()) {
      double same = std::numeric_limits<double>::quiet_NaN();
      for (std::size_t k = 0; k < s.other_layers.size(); ++k)
        if (s.other_layers[k].index == s.layers[i].index) same = s.cross[i][k];
      o << "  ";
      cell(same);
    }
    o << "\n";
  }
  return o.str();
}

}  // namespace glassbox::explain
