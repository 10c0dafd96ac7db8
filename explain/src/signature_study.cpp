#include "glassbox/explain/signature_study.h"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/explain/signature_builder.h"
#include "section_value.h"

namespace glassbox::explain {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The first `limit` samples of each class in turn (round robin), so a limit keeps the
// class balance of the data.
LabeledData limit_balanced(const LabeledData& data, std::size_t limit, bool by_original) {
  if (limit == 0 || data.size() <= limit) return data;
  std::vector<std::vector<std::size_t>> per_class;
  std::vector<int> keys;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const int key = by_original ? data.original_label(i) : data.label(i);
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(key);
      per_class.emplace_back();
      it = keys.end() - 1;
    }
    per_class[static_cast<std::size_t>(it - keys.begin())].push_back(i);
  }
  std::vector<std::size_t> idx;
  for (std::size_t r = 0; idx.size() < limit; ++r) {
    bool any = false;
    for (const auto& c : per_class)
      if (r < c.size() && idx.size() < limit) {
        idx.push_back(c[r]);
        any = true;
      }
    if (!any) break;
  }
  std::sort(idx.begin(), idx.end());
  return data.select(idx);
}

Tensor first_rows(const LabeledData& data, const std::vector<std::size_t>& idx) { return data.batch(idx); }

}  // namespace


SignatureStudyOptions SignatureStudyOptions::from_json(const nlohmann::json& s, const std::string& where) {
  SignatureStudyOptions o;
  validate_section(s, "signatures", where);  // keys, types and ranges, as in an experiment file
  auto& g = o.signature;
  g.firing_threshold = section_value<float>(s, "threshold", g.firing_threshold);
  g.top_k = section_value<std::size_t>(s, "top_k", g.top_k);
  g.conv_firing = section_value<std::string>(s, "conv_firing", g.conv_firing);
  g.conv_quantile = section_value<double>(s, "conv_quantile", g.conv_quantile);
  g.pattern_grid = section_value<std::size_t>(s, "pattern_grid", g.pattern_grid);
  g.calibration_samples = section_value<std::size_t>(s, "calibration_samples", g.calibration_samples);
  if (g.conv_firing != "quantile" && g.conv_firing != "threshold")
    throw ConfigError(where + ".conv_firing: expected \"quantile\" or \"threshold\", got \"" + g.conv_firing + "\"");
  g.pattern_capacity = section_value<std::size_t>(s, "pattern_capacity", g.pattern_capacity);
  g.max_covariance_dim = section_value<std::size_t>(s, "max_covariance_dim", g.max_covariance_dim);
  g.batch_size = section_value<std::size_t>(s, "batch_size", g.batch_size);
  g.include_input = section_value<bool>(s, "include_input", g.include_input);
  g.include_reshape = section_value<bool>(s, "include_reshape", g.include_reshape);
  g.layers = section_value<std::vector<std::string>>(s, "layers", g.layers);
  o.separability_threshold = section_value<double>(s, "separability_threshold", o.separability_threshold);
  o.shrinkage = section_value<double>(s, "shrinkage", o.shrinkage);
  o.heldout_limit = section_value<std::size_t>(s, "heldout_limit", o.heldout_limit);
  o.unseen_limit = section_value<std::size_t>(s, "unseen_limit", o.unseen_limit);
  o.relevance = section_value<bool>(s, "relevance", o.relevance);
  o.composite = section_value<std::string>(s, "composite", o.composite);
  o.relevance_samples = section_value<std::size_t>(s, "relevance_samples", o.relevance_samples);
  o.plots = section_value<bool>(s, "plots", o.plots);
  o.linear_probes = section_value<bool>(s, "linear_probes", o.linear_probes);
  o.probe.epochs = section_value<std::size_t>(s, "probe_epochs", o.probe.epochs);
  o.probe.batch_size = section_value<std::size_t>(s, "probe_batch_size", o.probe.batch_size);
  o.probe.learning_rate = section_value<double>(s, "probe_learning_rate", o.probe.learning_rate);
  o.probe.l2 = section_value<double>(s, "probe_l2", o.probe.l2);
  return o;
}

SignatureStudy run_signature_study(MyDeepLearning& model, const LabeledData& fit, const LabeledData& heldout_all,
                                   const LabeledData* unseen_all, const std::vector<std::string>& source_class_names,
                                   const SignatureStudyOptions& options) {
  if (fit.size() == 0) throw DataError("signatures: the data to build signatures from is empty");
  if (heldout_all.size() == 0) throw DataError("signatures: no held-out inputs of the trained classes");
  SignatureStudy st;
  st.options = options;
  st.source_class_names = source_class_names;
  if (st.source_class_names.empty()) st.source_class_names = fit.source_class_names();

  auto t0 = Clock::now();
  st.signatures = build_signatures(model, fit, options.signature, options.replicas);
  st.seconds_signatures = since(t0);

  t0 = Clock::now();
  const LabeledData heldout = limit_balanced(heldout_all, options.heldout_limit, false);
  SignatureScorer scorer(st.signatures, options.shrinkage);
  st.heldout = scorer.probe(model, heldout, options.signature.batch_size);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < st.heldout.size; ++i) correct += st.heldout.predicted[i] == st.heldout.labels[i];
  st.heldout_accuracy = st.heldout.size ? static_cast<double>(correct) / st.heldout.size : 0.0;
  st.seconds_probes = since(t0);
  // A probe needs two classes to tell apart; a one-class study keeps the centroid figures.
  if (options.linear_probes && st.signatures.num_classes() >= 2) {
    t0 = Clock::now();
    st.linear_probes = fit_layer_probes(model, st.signatures, fit, heldout, options.probe, options.replicas);
    st.seconds_linear_probes = since(t0);
  }
  t0 = Clock::now();
  st.separability = analyze_separability(st.signatures, st.heldout, options.separability_threshold,
                                         st.linear_probes ? &*st.linear_probes : nullptr);
  LabeledData unseen;
  if (unseen_all && unseen_all->size() > 0) {
    unseen = limit_balanced(*unseen_all, options.unseen_limit, true);
    st.unseen = scorer.probe(model, unseen, options.signature.batch_size);
    st.unseen_groups = analyze_unseen(st.signatures, st.heldout, *st.unseen, st.source_class_names);
  }
  st.seconds_probes += since(t0);

  if (options.relevance) {
    t0 = Clock::now();
    try {
      const std::size_t k = st.signatures.num_classes();
      const std::size_t outputs = st.heldout.outputs;
      // Per class: its held-out inputs that the model classifies correctly, explaining
      // their own output — the path of a recognized class.
      for (std::size_t c = 0; c < k && c < outputs; ++c) {
        std::vector<std::size_t> idx;
        for (std::size_t i = 0; i < heldout.size() && idx.size() < options.relevance_samples; ++i)
          if (heldout.label(i) == static_cast<int>(c) && st.heldout.predicted[i] == static_cast<int>(c)) idx.push_back(i);
        if (idx.empty()) continue;
        auto p = relevance_path(model, st.signatures, first_rows(heldout, idx), static_cast<int>(c), options.composite,
                                options.signature.top_k);
        p.target_name = st.signatures.class_names[c];
        p.inputs = "class " + st.signatures.class_names[c];
        st.class_paths.push_back(std::move(p));
      }
      // Per unseen group: the same inputs explained for each output in turn.
      if (st.unseen) {
        for (const auto& g : st.unseen_groups) {
          if (g.source_labels.size() != 1) continue;
          std::vector<std::size_t> idx;
          for (std::size_t i = 0; i < unseen.size() && idx.size() < options.relevance_samples; ++i)
            if (unseen.original_label(i) == g.source_labels[0]) idx.push_back(i);
          if (idx.empty()) continue;
          const Tensor x = first_rows(unseen, idx);
          for (std::size_t c = 0; c < outputs; ++c) {
            auto p = relevance_path(model, st.signatures, x, static_cast<int>(c), options.composite,
                                    options.signature.top_k);
            p.target_name = c < k ? st.signatures.class_names[c] : std::to_string(c);
            p.inputs = "unseen " + g.name;
            st.unseen_paths.push_back(std::move(p));
          }
        }
      }
    } catch (const Error& e) {
      // LRP refuses models it cannot explain (an unsupported plugin layer): the signature
      // analyses stand without it, and the reason is reported.
      st.relevance_error = e.what();
      st.class_paths.clear();
      st.unseen_paths.clear();
    }
    st.seconds_relevance = since(t0);
  }
  return st;
}

}  // namespace glassbox::explain
