// signatures.json, the .npy arrays and the PNG plots of a signature study
// (format documented in docs/signatures.md).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "glassbox/error.h"
#include "glassbox/explain/class_similarity.h"
#include "glassbox/explain/neuron_selectivity.h"
#include "glassbox/explain/heatmap.h"
#include "glassbox/explain/plot_image.h"
#include "glassbox/explain/signature_study.h"
#include "glassbox/npy.h"

namespace glassbox::explain {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// JSON has no NaN or infinity: they become null.
json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
json matrix(const std::vector<std::vector<double>>& m) {
  json out = json::array();
  for (const auto& row : m) {
    json r = json::array();
    for (double v : row) r.push_back(num(v));
    out.push_back(r);
  }
  return out;
}
json scores(const std::map<std::string, ScoreSummary>& s) {
  json out = json::object();
  for (const auto& [k, v] : s) out[k] = {{"auroc", num(v.auroc)}, {"fpr_at_95_tpr", num(v.fpr95)}};
  return out;
}
json distances(const DistanceSummary& d) {
  return {{"mean", num(d.mean)}, {"p05", num(d.p05)}, {"p25", num(d.p25)}, {"median", num(d.median)},
          {"p75", num(d.p75)},   {"p95", num(d.p95)}};
}

// A file-name-safe version of a layer name.
std::string stem(std::size_t position, const std::string& name) {
  std::string s = (position < 10 ? "0" : "") + std::to_string(position) + "_";
  for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return s;
}

json layer_json(const SignatureStudy& st, std::size_t p) {
  const auto& sig = st.signatures;
  const auto& l = sig.layers[p];
  const std::size_t k = sig.num_classes();
  json j;
  j["position"] = p;
  j["index"] = l.index;
  j["name"] = l.name;
  j["type"] = l.type;
  j["kind"] = l.index < 0 ? "input" : to_string(l.kind);
  j["activation"] = l.activation;
  j["shape"] = l.shape;
  j["feature"] = to_string(l.feature_kind);
  j["features"] = l.features;
  // What "fires" means at this layer: per-feature thresholds, and the pattern's bits.
  json thr = json::array();
  for (float t : l.thresholds) thr.push_back(num(t));
  j["firing_thresholds"] = thr;
  j["pattern_bits"] = l.pattern_bits;
  j["pattern_grid"] = l.grid;
  if (l.grid) {
    json ct = json::array();
    for (float t : l.cell_thresholds) ct.push_back(num(t));
    j["cell_thresholds"] = ct;
  }
  const auto sel = neuron_selectivity(l, sig.options.top_k);
  json classes = json::array();
  for (std::size_t c = 0; c < k; ++c) {
    json cj;
    cj["class"] = c;
    cj["name"] = sig.class_names[c];
    cj["count"] = l.moments[c].count();
    const auto rate = l.firing_rate(c);
    double mean_act = 0, mean_rate = 0;
    for (std::size_t f = 0; f < l.features; ++f) {
      mean_act += l.moments[c].mean()[f];
      mean_rate += rate[f];
    }
    cj["mean_activation"] = num(l.features ? mean_act / l.features : 0.0);
    cj["firing_fraction"] = num(l.features ? mean_rate / l.features : 0.0);
    auto ranked = [](const std::vector<RankedNeuron>& v) {
      json a = json::array();
      for (const auto& r : v)
        a.push_back({{"neuron", r.neuron}, {"mean", num(r.mean)}, {"firing_rate", num(r.firing_rate)},
                     {"contrast", num(r.contrast)}});
      return a;
    };
    cj["strongest"] = ranked(sel.strongest[c]);
    cj["characteristic"] = ranked(sel.characteristic[c]);
    const auto& pc = l.patterns[c];
    json common = json::array();
    for (const auto& [pat, count] : pc.most_common(5))
      common.push_back({{"pattern", pat.to_hex()}, {"count", count}, {"active", pat.popcount()},
                        {"share", num(pc.total() ? static_cast<double>(count) / pc.total() : 0.0)}});
    cj["patterns"] = {{"distinct", pc.distinct()}, {"overflow", pc.overflow()}, {"capacity", pc.capacity()},
                      {"most_common", common}, {"majority", l.majority_pattern(c).to_hex()}};
    classes.push_back(cj);
  }
  j["classes"] = classes;
  const auto sim = class_similarity(l);
  j["similarity"] = {{"cosine", matrix(sim.cosine)},   {"correlation", matrix(sim.correlation)},
                     {"euclidean", matrix(sim.euclidean)}, {"hamming", matrix(sim.hamming)},
                     {"jaccard", matrix(sim.jaccard)}};
  const auto& sp = st.separability.layers[p];
  j["separability"] = {{"fisher", num(sp.fisher)},
                       {"nearest_centroid_accuracy", num(sp.nearest_centroid_accuracy)},
                       {"pair_accuracy", matrix(sp.pair_accuracy)},
                       {"pair_fisher", matrix(sp.pair_fisher)}};
  if (sp.probed) {
    j["separability"]["probe_accuracy"] = num(sp.probe_accuracy);
    j["separability"]["probe_train_accuracy"] = num(sp.probe_train_accuracy);
    j["separability"]["probe_pair_accuracy"] = matrix(sp.probe_pair_accuracy);
    j["separability"]["probe_features"] = st.linear_probes->layers[p].features;
  }
  std::vector<std::size_t> order(l.features);
  for (std::size_t f = 0; f < order.size(); ++f) order[f] = f;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    const double da = std::isfinite(sel.d_prime[a]) ? sel.d_prime[a] : 1e300;
    const double db = std::isfinite(sel.d_prime[b]) ? sel.d_prime[b] : 1e300;
    return da > db;
  });
  json most = json::array();
  for (std::size_t t = 0; t < std::min(order.size(), sig.options.top_k); ++t) {
    const auto f = order[t];
    most.push_back({{"neuron", f}, {"preferred_class", sel.preferred_class[f]},
                    {"selectivity_index", num(sel.selectivity_index[f])}, {"d_prime", num(sel.d_prime[f])}});
  }
  std::vector<std::size_t> prefers(k, 0);
  for (std::size_t f = 0; f < l.features; ++f)
    if (std::find(sel.dead.begin(), sel.dead.end(), f) == sel.dead.end())
      ++prefers[static_cast<std::size_t>(sel.preferred_class[f])];
  j["selectivity"] = {{"dead", sel.dead.size()},
                      {"dead_neurons", sel.dead},
                      {"always_on", sel.always_on.size()},
                      {"always_on_neurons", sel.always_on},
                      {"coverage", num(sel.coverage)},
                      {"preferring_class", prefers},
                      {"most_selective", most}};
  j["covariance"] = l.covariance.full() ? "full" : "diagonal";
  const std::string s = "signatures/arrays/" + stem(p, l.name);
  j["arrays"] = {{"mean", s + ".mean.npy"}, {"variance", s + ".variance.npy"},
                 {"firing_rate", s + ".firing_rate.npy"}, {"preferred_class", s + ".preferred_class.npy"},
                 {"selectivity_index", s + ".selectivity_index.npy"}};
  if (l.feature_kind == FeatureKind::channel) j["arrays"]["peak_mean"] = s + ".peak_mean.npy";
  return j;
}

json path_json(const RelevancePath& p) {
  json layers = json::array();
  for (const auto& l : p.layers) {
    json top = json::array();
    for (const auto& n : l.top)
      top.push_back({{"neuron", n.neuron}, {"relevance", num(n.relevance)}, {"share", num(n.share)}});
    layers.push_back({{"index", l.index}, {"name", l.name}, {"top", top}, {"top_share", num(l.top_share)}});
  }
  return {{"target", p.target}, {"target_name", p.target_name}, {"inputs", p.inputs}, {"count", p.count},
          {"layers", layers}};
}

}  // namespace

json signature_study_json(const SignatureStudy& st) {
  const auto& sig = st.signatures;
  const std::size_t k = sig.num_classes();
  json j;
  j["format"] = "glassbox-signatures/1";
  const auto& o = st.options;
  j["options"] = {{"threshold", o.signature.firing_threshold},
                  {"conv_firing", o.signature.conv_firing},
                  {"conv_quantile", o.signature.conv_quantile},
                  {"pattern_grid", o.signature.pattern_grid},
                  {"calibration_samples", o.signature.calibration_samples},
                  {"top_k", o.signature.top_k},
                  {"pattern_capacity", o.signature.pattern_capacity},
                  {"max_covariance_dim", o.signature.max_covariance_dim},
                  {"batch_size", o.signature.batch_size},
                  {"include_input", o.signature.include_input},
                  {"include_reshape", o.signature.include_reshape},
                  {"separability_threshold", o.separability_threshold},
                  {"shrinkage", o.shrinkage},
                  {"composite", o.composite},
                  {"relevance_samples", o.relevance_samples},
                  {"linear_probes", o.linear_probes},
                  {"probe_epochs", o.probe.epochs},
                  {"probe_batch_size", o.probe.batch_size},
                  {"probe_learning_rate", o.probe.learning_rate},
                  {"probe_l2", o.probe.l2}};
  json classes = json::array();
  for (std::size_t c = 0; c < k; ++c)
    classes.push_back({{"class", c}, {"name", sig.class_names[c]}, {"source_label", sig.source_labels[c]},
                       {"count", sig.class_counts[c]}});
  j["classes"] = classes;
  j["samples"] = sig.samples;
  j["heldout"] = {{"count", st.heldout.size}, {"model_accuracy", num(st.heldout_accuracy)}};
  j["seconds"] = {{"signatures", st.seconds_signatures}, {"probes", st.seconds_probes},
                  {"relevance", st.seconds_relevance}, {"linear_probes", st.seconds_linear_probes}};
  if (st.linear_probes) {
    json acc = json::array();
    for (const auto& l : st.linear_probes->layers) acc.push_back(num(l.accuracy));
    j["linear_probes"] = {{"fit_samples", st.linear_probes->fit_samples},
                          {"heldout_samples", st.linear_probes->heldout_samples},
                          {"accuracy_per_layer", acc},
                          {"method", "multinomial logistic regression on each layer's full flattened activations "
                                     "(standardized), minibatch Adam, scored on held-out inputs"}};
  }
  json layers = json::array();
  for (std::size_t p = 0; p < sig.layers.size(); ++p) layers.push_back(layer_json(st, p));
  j["layers"] = layers;
  json div = json::array();
  for (const auto& d : st.separability.pairs) {
    json dj = {{"a", d.a}, {"b", d.b}, {"a_name", sig.class_names[d.a]}, {"b_name", sig.class_names[d.b]},
               {"accuracy", num(d.accuracy)}, {"stays_separable", d.stays_separable}};
    if (d.position >= 0) {
      dj["position"] = d.position;
      dj["layer"] = sig.layer_label(static_cast<std::size_t>(d.position));
      dj["index"] = sig.layers[static_cast<std::size_t>(d.position)].index;
    } else {
      dj["position"] = nullptr;
      dj["layer"] = nullptr;
      dj["index"] = nullptr;
    }
    json curve = json::array();
    for (const auto& l : st.separability.layers) curve.push_back(num(l.deciding_pair_accuracy()[d.a][d.b]));
    dj["accuracy_per_layer"] = curve;
    div.push_back(dj);
  }
  j["divergence"] = {{"threshold", st.separability.threshold},
                     {"criterion", st.separability.criterion()},
                     {"pairs", div}};
  json unseen = json::array();
  for (const auto& g : st.unseen_groups) {
    json gj;
    gj["name"] = g.name;
    gj["source_labels"] = g.source_labels;
    gj["count"] = g.count;
    gj["predicted"] = g.predicted;
    gj["output_scores"] = scores(g.output_scores);
    json per_layer = json::array();
    for (std::size_t p = 0; p < g.layers.size(); ++p) {
      const auto& L = g.layers[p];
      per_layer.push_back({{"position", p},
                           {"layer", sig.layer_label(p)},
                           {"nearest_class", L.nearest_class},
                           {"seen_distance", distances(L.seen_distance)},
                           {"unseen_distance", distances(L.unseen_distance)},
                           {"scores", scores(L.scores)}});
    }
    gj["layers"] = per_layer;
    gj["best_signature_score"] = {{"method", g.best_method}, {"layer", g.best_layer}, {"auroc", num(g.best_auroc)}};
    unseen.push_back(gj);
  }
  j["unseen"] = unseen;
  json paths = json::array();
  for (const auto& p : st.class_paths) paths.push_back(path_json(p));
  json upaths = json::array();
  for (const auto& p : st.unseen_paths) upaths.push_back(path_json(p));
  j["relevance_paths"] = {{"classes", paths}, {"unseen", upaths}};
  if (!st.relevance_error.empty()) j["relevance_paths"]["error"] = st.relevance_error;
  return j;
}

void write_signature_study(const SignatureStudy& st, const std::string& dir) {
  const auto& sig = st.signatures;
  const std::size_t k = sig.num_classes();
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "signatures" / "arrays", ec);
  if (st.options.plots) fs::create_directories(fs::path(dir) / "signatures" / "plots", ec);
  if (ec) throw Error(dir + ": cannot create the results folder: " + ec.message());

  for (std::size_t p = 0; p < sig.layers.size(); ++p) {
    const auto& l = sig.layers[p];
    const std::string base = (fs::path(dir) / "signatures" / "arrays" / stem(p, l.name)).string();
    const Shape shape = {k, l.features};
    std::vector<float> mean(k * l.features), var(k * l.features), rate(k * l.features), peak(k * l.features);
    for (std::size_t c = 0; c < k; ++c) {
      const auto v = l.moments[c].variance();
      const auto r = l.firing_rate(c);
      for (std::size_t f = 0; f < l.features; ++f) {
        mean[c * l.features + f] = static_cast<float>(l.moments[c].mean()[f]);
        var[c * l.features + f] = static_cast<float>(v[f]);
        rate[c * l.features + f] = static_cast<float>(r[f]);
        if (l.feature_kind == FeatureKind::channel) peak[c * l.features + f] = static_cast<float>(l.peak_moments[c].mean()[f]);
      }
    }
    write_npy(base + ".mean.npy", mean.data(), shape);
    write_npy(base + ".variance.npy", var.data(), shape);
    write_npy(base + ".firing_rate.npy", rate.data(), shape);
    if (l.feature_kind == FeatureKind::channel) write_npy(base + ".peak_mean.npy", peak.data(), shape);
    const auto sel = neuron_selectivity(l, 1);
    std::vector<std::int32_t> pref(sel.preferred_class.begin(), sel.preferred_class.end());
    std::vector<float> si(sel.selectivity_index.begin(), sel.selectivity_index.end());
    write_npy(base + ".preferred_class.npy", pref.data(), Shape{l.features});
    write_npy(base + ".selectivity_index.npy", si.data(), Shape{l.features});

    if (st.options.plots) {
      const std::string pbase = (fs::path(dir) / "signatures" / "plots" / stem(p, l.name)).string();
      // Firing rates: one row per class, one column per neuron (channel).
      std::vector<double> r(rate.begin(), rate.end());
      const std::size_t cell = std::clamp<std::size_t>(800 / std::max<std::size_t>(1, l.features), 1, 24);
      write_png(pbase + ".firing_rate.png",
                matrix_image(r, k, l.features, cell, Colormap::viridis, 0.0, 1.0));
      const auto sim = class_similarity(l);
      std::vector<double> cos;
      for (const auto& row : sim.cosine) cos.insert(cos.end(), row.begin(), row.end());
      write_png(pbase + ".cosine.png", matrix_image(cos, k, k, 32, Colormap::viridis, -1.0, 1.0));
    }
  }
  // Per-input novelty scores of the held-out and unseen inputs: (inputs, layers, 3) with
  // the methods centroid, mahalanobis, hamming; plus the output baselines (inputs, 2).
  auto write_probe = [&](const Probe& pr, const std::string& name) {
    const std::size_t L = pr.layers.size();
    std::vector<float> s(pr.size * L * 3);
    for (std::size_t i = 0; i < pr.size; ++i)
      for (std::size_t p = 0; p < L; ++p) {
        s[(i * L + p) * 3 + 0] = static_cast<float>(pr.layers[p].nearest_centroid_distance(i, pr.classes));
        s[(i * L + p) * 3 + 1] = static_cast<float>(pr.layers[p].mahalanobis[i]);
        s[(i * L + p) * 3 + 2] = static_cast<float>(pr.layers[p].min_hamming[i]);
      }
    write_npy((fs::path(dir) / "signatures" / "arrays" / (name + ".novelty.npy")).string(), s.data(), Shape{pr.size, L, 3});
    std::vector<float> o(pr.size * 2);
    for (std::size_t i = 0; i < pr.size; ++i) {
      o[2 * i] = static_cast<float>(-pr.max_softmax[i]);
      o[2 * i + 1] = static_cast<float>(pr.energy[i]);
    }
    write_npy((fs::path(dir) / "signatures" / "arrays" / (name + ".output_scores.npy")).string(), o.data(), Shape{pr.size, 2});
    std::vector<std::int32_t> lab(pr.original_labels.begin(), pr.original_labels.end());
    write_npy((fs::path(dir) / "signatures" / "arrays" / (name + ".labels.npy")).string(), lab.data(), Shape{pr.size});
  };
  write_probe(st.heldout, "heldout");
  if (st.unseen) write_probe(*st.unseen, "unseen");

  if (st.options.plots) {
    // Separability per layer: all-class accuracy of the deciding criterion (linear probe,
    // else nearest centroid; first colour), then each class pair's accuracy.
    std::vector<std::vector<double>> curves(1);
    for (const auto& l : st.separability.layers)
      curves[0].push_back(l.probed ? l.probe_accuracy : l.nearest_centroid_accuracy);
    for (const auto& d : st.separability.pairs) {
      if (curves.size() >= 10) break;
      std::vector<double> c;
      for (const auto& l : st.separability.layers) c.push_back(l.deciding_pair_accuracy()[d.a][d.b]);
      curves.push_back(c);
    }
    write_png((fs::path(dir) / "signatures" / "plots" / "separability.png").string(), line_plot(curves, 0.0, 1.0));
    // Novelty AUROC per layer and method for each unseen group, max-softmax as a flat line.
    for (std::size_t gi = 0; gi < st.unseen_groups.size(); ++gi) {
      const auto& g = st.unseen_groups[gi];
      std::vector<std::vector<double>> s(4);
      for (const auto& L : g.layers) {
        s[0].push_back(L.scores.at("centroid").auroc);
        s[1].push_back(L.scores.at("mahalanobis").auroc);
        s[2].push_back(L.scores.at("hamming").auroc);
        s[3].push_back(g.output_scores.at("max_softmax").auroc);
      }
      std::string name = g.source_labels.size() == 1 ? "unseen_" + std::to_string(g.source_labels[0]) : "unseen_all";
      write_png((fs::path(dir) / "signatures" / "plots" / (name + ".novelty_auroc.png")).string(), line_plot(s, 0.0, 1.0));
    }
    // Mean input relevance of the unseen inputs for each output, and of each class's own path.
    auto relevance_png = [&](const RelevancePath& p, const std::string& name) {
      // input_relevance is (1, ...input shape): drop the batch axis for the renderer.
      Tensor r = p.input_relevance;
      const Shape shape = sample_shape_of(r);
      r.reshape(shape);
      write_png((fs::path(dir) / "signatures" / "plots" / name).string(), render_heatmap(r));
    };
    for (const auto& p : st.class_paths) relevance_png(p, "relevance_class_" + std::to_string(p.target) + ".png");
    for (const auto& p : st.unseen_paths) {
      std::string who = p.inputs;
      for (auto& ch : who)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      relevance_png(p, "relevance_" + who + "_to_output_" + std::to_string(p.target) + ".png");
    }
  }
  write_file_atomic((fs::path(dir) / "signatures.json").string(), signature_study_json(st).dump(1) + "\n");
}

}  // namespace glassbox::explain
