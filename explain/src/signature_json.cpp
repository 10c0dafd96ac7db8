// signatures.json of a signature study (format documented in docs/signatures.md); the
// arrays and plots it names are written by signature_files.cpp.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "glassbox/error.h"
#include "glassbox/explain/class_similarity.h"
#include "glassbox/explain/neuron_selectivity.h"
#include "glassbox/explain/signature_study.h"
#include "signature_file_names.h"

namespace glassbox::explain {

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


// What "fires" means at a layer: per-feature thresholds, and the pattern's bits.
void add_firing(json& j, const LayerSignature& l) {
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
}

json ranked(const std::vector<RankedNeuron>& v) {
  json a = json::array();
  for (const auto& r : v)
    a.push_back({{"neuron", r.neuron}, {"mean", num(r.mean)}, {"firing_rate", num(r.firing_rate)},
                 {"contrast", num(r.contrast)}});
  return a;
}

// Class c at a layer: its counts and means, strongest and characteristic neurons, patterns.
json layer_class_json(const Signatures& sig, const LayerSignature& l, const NeuronSelectivity& sel, std::size_t c) {
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
  cj["strongest"] = ranked(sel.strongest[c]);
  cj["characteristic"] = ranked(sel.characteristic[c]);
  const auto& pc = l.patterns[c];
  json common = json::array();
  for (const auto& [pat, count] : pc.most_common(5))
    common.push_back({{"pattern", pat.to_hex()}, {"count", count}, {"active", pat.popcount()},
                      {"share", num(pc.total() ? static_cast<double>(count) / pc.total() : 0.0)}});
  cj["patterns"] = {{"distinct", pc.distinct()}, {"overflow", pc.overflow()}, {"capacity", pc.capacity()},
                    {"most_common", common}, {"majority", l.majority_pattern(c).to_hex()}};
  return cj;
}

json layer_separability_json(const SignatureStudy& st, std::size_t p) {
  const auto& sp = st.separability.layers[p];
  json j = {{"fisher", num(sp.fisher)},
            {"nearest_centroid_accuracy", num(sp.nearest_centroid_accuracy)},
            {"pair_accuracy", matrix(sp.pair_accuracy)},
            {"pair_fisher", matrix(sp.pair_fisher)}};
  if (sp.probed) {
    j["probe_accuracy"] = num(sp.probe_accuracy);
    j["probe_train_accuracy"] = num(sp.probe_train_accuracy);
    j["probe_pair_accuracy"] = matrix(sp.probe_pair_accuracy);
    j["probe_features"] = st.linear_probes->layers[p].features;
  }
  return j;
}

// Dead and always-on neurons, how many prefer each class, and the top_k most selective.
json layer_selectivity_json(const LayerSignature& l, const NeuronSelectivity& sel, std::size_t k, std::size_t top_k) {
  std::vector<std::size_t> order(l.features);
  for (std::size_t f = 0; f < order.size(); ++f) order[f] = f;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
    const double da = std::isfinite(sel.d_prime[a]) ? sel.d_prime[a] : 1e300;
    const double db = std::isfinite(sel.d_prime[b]) ? sel.d_prime[b] : 1e300;
    return da > db;
  });
  json most = json::array();
  for (std::size_t t = 0; t < std::min(order.size(), top_k); ++t) {
    const auto f = order[t];
    most.push_back({{"neuron", f}, {"preferred_class", sel.preferred_class[f]},
                    {"selectivity_index", num(sel.selectivity_index[f])}, {"d_prime", num(sel.d_prime[f])}});
  }
  std::vector<std::size_t> prefers(k, 0);
  for (std::size_t f = 0; f < l.features; ++f)
    if (std::find(sel.dead.begin(), sel.dead.end(), f) == sel.dead.end())
      ++prefers[static_cast<std::size_t>(sel.preferred_class[f])];
  return {{"dead", sel.dead.size()},          {"dead_neurons", sel.dead},   {"always_on", sel.always_on.size()},
          {"always_on_neurons", sel.always_on}, {"coverage", num(sel.coverage)}, {"preferring_class", prefers},
          {"most_selective", most}};
}

json layer_json(const SignatureStudy& st, std::size_t p) {
  const auto& sig = st.signatures;
  const auto& l = sig.layers[p];
  const std::size_t k = sig.num_classes();
  json j = {{"position", p}, {"index", l.index}, {"name", l.name}, {"type", l.type},
            {"kind", l.index < 0 ? "input" : to_string(l.kind)}, {"activation", l.activation}, {"shape", l.shape},
            {"feature", to_string(l.feature_kind)}, {"features", l.features}};
  add_firing(j, l);
  const auto sel = neuron_selectivity(l, sig.options.top_k);
  json classes = json::array();
  for (std::size_t c = 0; c < k; ++c) classes.push_back(layer_class_json(sig, l, sel, c));
  j["classes"] = classes;
  const auto sim = class_similarity(l);
  j["similarity"] = {{"cosine", matrix(sim.cosine)},   {"correlation", matrix(sim.correlation)},
                     {"euclidean", matrix(sim.euclidean)}, {"hamming", matrix(sim.hamming)},
                     {"jaccard", matrix(sim.jaccard)}};
  j["separability"] = layer_separability_json(st, p);
  j["selectivity"] = layer_selectivity_json(l, sel, k, sig.options.top_k);
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

json options_json(const SignatureStudyOptions& o) {
  return {{"threshold", o.signature.firing_threshold},
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
}

json linear_probes_json(const LayerProbes& lp) {
  json acc = json::array();
  for (const auto& l : lp.layers) acc.push_back(num(l.accuracy));
  return {{"fit_samples", lp.fit_samples},
          {"heldout_samples", lp.heldout_samples},
          {"accuracy_per_layer", acc},
          {"method", "multinomial logistic regression on each layer's full flattened activations "
                     "(standardized), minibatch Adam, scored on held-out inputs"}};
}

// Per class pair: the layer from which on it stays separable, and its accuracy per layer.
json divergence_json(const SignatureStudy& st) {
  const auto& sig = st.signatures;
  json div = json::array();
  for (const auto& d : st.separability.pairs) {
    json dj = {{"a", d.a}, {"b", d.b}, {"a_name", sig.class_names[d.a]}, {"b_name", sig.class_names[d.b]},
               {"accuracy", num(d.accuracy)}, {"stays_separable", d.stays_separable},
               {"position", nullptr}, {"layer", nullptr}, {"index", nullptr}};
    if (d.position >= 0) {
      dj["position"] = d.position;
      dj["layer"] = sig.layer_label(static_cast<std::size_t>(d.position));
      dj["index"] = sig.layers[static_cast<std::size_t>(d.position)].index;
    }
    json curve = json::array();
    for (const auto& l : st.separability.layers) curve.push_back(num(l.deciding_pair_accuracy()[d.a][d.b]));
    dj["accuracy_per_layer"] = curve;
    div.push_back(dj);
  }
  return {{"threshold", st.separability.threshold}, {"criterion", st.separability.criterion()}, {"pairs", div}};
}

json unseen_group_json(const Signatures& sig, const UnseenGroup& g) {
  json gj = {{"name", g.name}, {"source_labels", g.source_labels}, {"count", g.count}, {"predicted", g.predicted},
             {"output_scores", scores(g.output_scores)}};
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
  return gj;
}

json relevance_paths_json(const SignatureStudy& st) {
  json paths = json::array();
  for (const auto& p : st.class_paths) paths.push_back(path_json(p));
  json upaths = json::array();
  for (const auto& p : st.unseen_paths) upaths.push_back(path_json(p));
  json j = {{"classes", paths}, {"unseen", upaths}};
  if (!st.relevance_error.empty()) j["error"] = st.relevance_error;
  return j;
}

}  // namespace

json signature_study_json(const SignatureStudy& st) {
  const auto& sig = st.signatures;
  json j = {{"format", "glassbox-signatures/1"}, {"options", options_json(st.options)}};
  json classes = json::array();
  for (std::size_t c = 0; c < sig.num_classes(); ++c)
    classes.push_back({{"class", c}, {"name", sig.class_names[c]}, {"source_label", sig.source_labels[c]},
                       {"count", sig.class_counts[c]}});
  j["classes"] = classes;
  j["samples"] = sig.samples;
  j["heldout"] = {{"count", st.heldout.size}, {"model_accuracy", num(st.heldout_accuracy)}};
  j["seconds"] = {{"signatures", st.seconds_signatures}, {"probes", st.seconds_probes},
                  {"relevance", st.seconds_relevance}, {"linear_probes", st.seconds_linear_probes}};
  if (st.linear_probes) j["linear_probes"] = linear_probes_json(*st.linear_probes);
  json layers = json::array();
  for (std::size_t p = 0; p < sig.layers.size(); ++p) layers.push_back(layer_json(st, p));
  j["layers"] = layers;
  j["divergence"] = divergence_json(st);
  json unseen = json::array();
  for (const auto& g : st.unseen_groups) unseen.push_back(unseen_group_json(sig, g));
  j["unseen"] = unseen;
  j["relevance_paths"] = relevance_paths_json(st);
  return j;
}

}  // namespace glassbox::explain
