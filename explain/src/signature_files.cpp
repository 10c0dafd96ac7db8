// The files of a signature study beside signatures.json: per-layer arrays (.npy), per-input
// novelty scores, and the PNG plots (format in docs/signatures.md).
#include <algorithm>
#include <cctype>
#include <filesystem>

#include "glassbox/error.h"
#include "glassbox/explain/class_similarity.h"
#include "glassbox/explain/heatmap.h"
#include "glassbox/explain/neuron_selectivity.h"
#include "glassbox/explain/plot_image.h"
#include "glassbox/explain/signature_study.h"
#include "glassbox/npy.h"
#include "signature_file_names.h"

namespace glassbox::explain {

namespace fs = std::filesystem;

namespace {

// Class x feature matrices of a layer, float32.
struct LayerArrays {
  std::vector<float> mean, variance, rate, peak;
};

LayerArrays layer_arrays(const LayerSignature& l, std::size_t k) {
  LayerArrays a;
  for (auto* v : {&a.mean, &a.variance, &a.rate, &a.peak}) v->resize(k * l.features);
  for (std::size_t c = 0; c < k; ++c) {
    const auto var = l.moments[c].variance();
    const auto r = l.firing_rate(c);
    for (std::size_t f = 0; f < l.features; ++f) {
      a.mean[c * l.features + f] = static_cast<float>(l.moments[c].mean()[f]);
      a.variance[c * l.features + f] = static_cast<float>(var[f]);
      a.rate[c * l.features + f] = static_cast<float>(r[f]);
      if (l.feature_kind == FeatureKind::channel) a.peak[c * l.features + f] = static_cast<float>(l.peak_moments[c].mean()[f]);
    }
  }
  return a;
}

// signatures/arrays/<stem>.*.npy and, with plots, the firing-rate and cosine images.
void write_layer_files(const LayerSignature& l, std::size_t p, std::size_t k, const fs::path& dir, bool plots) {
  const std::string base = (dir / "signatures" / "arrays" / stem(p, l.name)).string();
  const Shape shape = {k, l.features};
  const LayerArrays a = layer_arrays(l, k);
  write_npy(base + ".mean.npy", a.mean.data(), shape);
  write_npy(base + ".variance.npy", a.variance.data(), shape);
  write_npy(base + ".firing_rate.npy", a.rate.data(), shape);
  if (l.feature_kind == FeatureKind::channel) write_npy(base + ".peak_mean.npy", a.peak.data(), shape);
  const auto sel = neuron_selectivity(l, 1);
  std::vector<std::int32_t> pref(sel.preferred_class.begin(), sel.preferred_class.end());
  std::vector<float> si(sel.selectivity_index.begin(), sel.selectivity_index.end());
  write_npy(base + ".preferred_class.npy", pref.data(), Shape{l.features});
  write_npy(base + ".selectivity_index.npy", si.data(), Shape{l.features});
  if (!plots) return;
  const std::string pbase = (dir / "signatures" / "plots" / stem(p, l.name)).string();
  // Firing rates: one row per class, one column per neuron (channel).
  const std::vector<double> r(a.rate.begin(), a.rate.end());
  const std::size_t cell = std::clamp<std::size_t>(800 / std::max<std::size_t>(1, l.features), 1, 24);
  write_png(pbase + ".firing_rate.png", matrix_image(r, k, l.features, cell, Colormap::viridis, 0.0, 1.0));
  const auto sim = class_similarity(l);
  std::vector<double> cos;
  for (const auto& row : sim.cosine) cos.insert(cos.end(), row.begin(), row.end());
  write_png(pbase + ".cosine.png", matrix_image(cos, k, k, 32, Colormap::viridis, -1.0, 1.0));
}

// Per-input novelty scores of held-out or unseen inputs: (inputs, layers, 3) with the
// methods centroid, mahalanobis, hamming; the output baselines (inputs, 2); the labels.
void write_probe_files(const Probe& pr, const std::string& name, const fs::path& arrays) {
  const std::size_t L = pr.layers.size();
  std::vector<float> s(pr.size * L * 3);
  for (std::size_t i = 0; i < pr.size; ++i)
    for (std::size_t p = 0; p < L; ++p) {
      s[(i * L + p) * 3 + 0] = static_cast<float>(pr.layers[p].nearest_centroid_distance(i, pr.classes));
      s[(i * L + p) * 3 + 1] = static_cast<float>(pr.layers[p].mahalanobis[i]);
      s[(i * L + p) * 3 + 2] = static_cast<float>(pr.layers[p].min_hamming[i]);
    }
  write_npy((arrays / (name + ".novelty.npy")).string(), s.data(), Shape{pr.size, L, 3});
  std::vector<float> o(pr.size * 2);
  for (std::size_t i = 0; i < pr.size; ++i) {
    o[2 * i] = static_cast<float>(-pr.max_softmax[i]);
    o[2 * i + 1] = static_cast<float>(pr.energy[i]);
  }
  write_npy((arrays / (name + ".output_scores.npy")).string(), o.data(), Shape{pr.size, 2});
  std::vector<std::int32_t> lab(pr.original_labels.begin(), pr.original_labels.end());
  write_npy((arrays / (name + ".labels.npy")).string(), lab.data(), Shape{pr.size});
}

// Separability per layer: all-class accuracy of the deciding criterion (linear probe, else
// nearest centroid; first colour), then each class pair's accuracy (up to 9 pairs).
void write_separability_plot(const SignatureStudy& st, const fs::path& plots) {
  std::vector<std::vector<double>> curves(1);
  for (const auto& l : st.separability.layers) curves[0].push_back(l.probed ? l.probe_accuracy : l.nearest_centroid_accuracy);
  for (const auto& d : st.separability.pairs) {
    if (curves.size() >= 10) break;
    std::vector<double> c;
    for (const auto& l : st.separability.layers) c.push_back(l.deciding_pair_accuracy()[d.a][d.b]);
    curves.push_back(c);
  }
  write_png((plots / "separability.png").string(), line_plot(curves, 0.0, 1.0));
}

// Novelty AUROC per layer and method for each unseen group, max-softmax as a flat line.
void write_novelty_plots(const SignatureStudy& st, const fs::path& plots) {
  for (const auto& g : st.unseen_groups) {
    std::vector<std::vector<double>> s(4);
    for (const auto& L : g.layers) {
      s[0].push_back(L.scores.at("centroid").auroc);
      s[1].push_back(L.scores.at("mahalanobis").auroc);
      s[2].push_back(L.scores.at("hamming").auroc);
      s[3].push_back(g.output_scores.at("max_softmax").auroc);
    }
    const std::string name = g.source_labels.size() == 1 ? "unseen_" + std::to_string(g.source_labels[0]) : "unseen_all";
    write_png((plots / (name + ".novelty_auroc.png")).string(), line_plot(s, 0.0, 1.0));
  }
}

// Mean input relevance of each class's own path, and of the unseen inputs for each output.
void write_relevance_plots(const SignatureStudy& st, const fs::path& plots) {
  auto png = [&](const RelevancePath& p, const std::string& name) {
    Tensor r = p.input_relevance;  // (1, ...input shape): drop the batch axis for the renderer
    const Shape shape = sample_shape_of(r);
    r.reshape(shape);
    write_png((plots / name).string(), render_heatmap(r));
  };
  for (const auto& p : st.class_paths) png(p, "relevance_class_" + std::to_string(p.target) + ".png");
  for (const auto& p : st.unseen_paths) {
    std::string who = p.inputs;
    for (auto& ch : who)
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    png(p, "relevance_" + who + "_to_output_" + std::to_string(p.target) + ".png");
  }
}

}  // namespace

void write_signature_study(const SignatureStudy& st, const std::string& dir) {
  const auto& sig = st.signatures;
  const fs::path root(dir), arrays = root / "signatures" / "arrays", plots = root / "signatures" / "plots";
  std::error_code ec;
  fs::create_directories(arrays, ec);
  if (st.options.plots) fs::create_directories(plots, ec);
  if (ec) throw Error(dir + ": cannot create the results folder: " + ec.message());
  for (std::size_t p = 0; p < sig.layers.size(); ++p)
    write_layer_files(sig.layers[p], p, sig.num_classes(), root, st.options.plots);
  write_probe_files(st.heldout, "heldout", arrays);
  if (st.unseen) write_probe_files(*st.unseen, "unseen", arrays);
  if (st.options.plots) {
    write_separability_plot(st, plots);
    write_novelty_plots(st, plots);
    write_relevance_plots(st, plots);
  }
  write_file_atomic((root / "signatures.json").string(), signature_study_json(st).dump(1) + "\n");
}

}  // namespace glassbox::explain
