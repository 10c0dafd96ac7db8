// The short readable report of a signature study: the brief's three questions answered
// with the measured figures.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "glassbox/explain/class_similarity.h"
#include "glassbox/explain/neuron_selectivity.h"
#include "glassbox/explain/signature_study.h"

namespace glassbox::explain {

namespace {

std::string fmt(const char* f, double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string pct(double v) { return fmt("%.1f%%", 100.0 * v); }
std::string pad(std::string s, std::size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s;
}

// The hidden layer the report lists neurons of: the last recorded layer before the
// model's output layer (the representation the classifier reads). Layers are recorded in
// execution order, so the output (the last layer added) is recorded last.
std::size_t hidden_position(const Signatures& sig) {
  int last_index = -1;
  for (const auto& l : sig.layers) last_index = std::max(last_index, l.index);
  std::size_t best = sig.layers.size() - 1;
  for (std::size_t p = 0; p < sig.layers.size(); ++p)
    if (sig.layers[p].index >= 0 && sig.layers[p].index != last_index) best = p;
  return best;
}

// (a), per layer: firing rates per class, dead and always-on neurons.
void write_firing(std::ostream& out, const Signatures& sig) {
  const std::size_t k = sig.num_classes();
  for (const auto& l : sig.layers) {
    if (l.index < 0) continue;
    out << "  " << pad(l.name, 22) << pad(std::to_string(l.features) + " " + to_string(l.feature_kind) + "s", 14)
        << "firing:";
    for (std::size_t c = 0; c < k; ++c) {
      const auto r = l.firing_rate(c);
      double m = 0;
      for (double v : r) m += v;
      out << " " << sig.class_names[c] << " " << pct(l.features ? m / l.features : 0);
    }
    const auto sel = neuron_selectivity(l, 3);
    out << "; dead " << sel.dead.size() << ", always on " << sel.always_on.size() << "\n";
  }
}

// (a), the hidden layer: how many neurons prefer each class, the characteristic ones.
void write_preferences(std::ostream& out, const Signatures& sig) {
  const std::size_t k = sig.num_classes();
  const auto& l = sig.layers[hidden_position(sig)];
  const auto sel = neuron_selectivity(l, 3);
  out << "  In " << l.name << ", neurons preferring each class:";
  std::vector<std::size_t> prefers(k, 0);
  for (std::size_t f = 0; f < l.features; ++f)
    if (std::find(sel.dead.begin(), sel.dead.end(), f) == sel.dead.end())
      ++prefers[static_cast<std::size_t>(sel.preferred_class[f])];
  for (std::size_t c = 0; c < k; ++c) out << " " << sig.class_names[c] << ": " << prefers[c];
  out << "\n";
  for (std::size_t c = 0; c < k; ++c) {
    out << "    characteristic of " << sig.class_names[c] << ":";
    for (const auto& r : sel.characteristic[c]) {
      // Firing rate of the same neuron on the other classes.
      double other = 0;
      std::int64_t n = 0;
      for (std::size_t o = 0; o < k; ++o)
        if (o != c) {
          other += l.firing_rate(o)[r.neuron] * static_cast<double>(l.moments[o].count());
          n += l.moments[o].count();
        }
      out << " #" << r.neuron << " (fires " << pct(r.firing_rate) << " vs " << pct(n ? other / n : 0.0)
          << ", mean " << fmt("%.2f", r.mean) << ")";
    }
    out << "\n";
  }
}

// (a), one group of unseen classes: predictions, nearest class signature and novelty
// scores per layer, the output baselines.
void write_unseen(std::ostream& out, const Signatures& sig, const UnseenGroup& g) {
  const std::size_t k = sig.num_classes();
  out << "  Unseen " << g.name << " (" << g.count << " inputs): predicted as";
  for (std::size_t c = 0; c < g.predicted.size(); ++c) {
    const std::string n = c < k ? sig.class_names[c] : std::to_string(c);
    out << " " << n << " " << pct(g.count ? static_cast<double>(g.predicted[c]) / g.count : 0.0);
  }
  std::size_t w = 0;
  for (std::size_t c = 0; c < k; ++c) w += sig.class_names[c].size() + 8;
  const std::size_t near_width = std::max<std::size_t>(28, w + 2);
  out << "\n    " << pad("layer", 22) << pad("nearest class signature", near_width) << pad("centroid", 16)
      << pad("mahalanobis", 16) << "hamming   (novelty AUROC / FPR@95%TPR)\n";
  for (std::size_t p = 0; p < g.layers.size(); ++p) {
    const auto& L = g.layers[p];
    std::string near;
    for (std::size_t c = 0; c < k; ++c)
      near += (c ? " " : "") + sig.class_names[c] + " " +
              pct(g.count ? static_cast<double>(L.nearest_class[c]) / g.count : 0.0);
    auto sc = [&](const char* m) {
      const auto& s = L.scores.at(m);
      return fmt("%.3f", s.auroc) + " / " + fmt("%.2f", s.fpr95);
    };
    out << "    " << pad(sig.layer_label(p), 22) << pad(near, near_width) << pad(sc("centroid"), 16)
        << pad(sc("mahalanobis"), 16) << sc("hamming") << "\n";
  }
  const auto& msp = g.output_scores.at("max_softmax");
  const auto& en = g.output_scores.at("energy");
  out << "    output baselines: max-softmax " << fmt("%.3f", msp.auroc) << " / " << fmt("%.2f", msp.fpr95)
      << ", energy " << fmt("%.3f", en.auroc) << " / " << fmt("%.2f", en.fpr95) << "\n";
  out << "    best signature score: " << g.best_method << " at " << g.best_layer << ", AUROC "
      << fmt("%.3f", g.best_auroc) << (g.best_auroc > msp.auroc ? " > " : " <= ") << "max-softmax "
      << fmt("%.3f", msp.auroc) << "\n";
}

// (b): per layer, how alike the class signatures are and how concentrated their patterns.
void write_signatures(std::ostream& out, const Signatures& sig) {
  const std::size_t k = sig.num_classes();
  out << "\n(b) Characteristic signatures (per layer: cosine similarity of the class mean signatures, "
         "Jaccard distance of their majority firing patterns, share of the most common pattern per class)\n";
  for (std::size_t p = 0; p < sig.layers.size(); ++p) {
    const auto& l = sig.layers[p];
    const auto sim = class_similarity(l);
    double cos = 0, jac = 0;
    std::size_t pairs = 0;
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = a + 1; b < k; ++b) {
        cos += sim.cosine[a][b];
        jac += sim.jaccard[a][b];
        ++pairs;
      }
    out << "  " << pad(sig.layer_label(p), 22) << "cosine " << fmt("%.3f", pairs ? cos / pairs : 1.0) << "  jaccard "
        << fmt("%.3f", pairs ? jac / pairs : 0.0) << "  top pattern:";
    for (std::size_t c = 0; c < k; ++c) {
      const auto mc = l.patterns[c].most_common(1);
      const double share = mc.empty() || l.patterns[c].total() == 0
                               ? 0.0
                               : static_cast<double>(mc[0].second) / static_cast<double>(l.patterns[c].total());
      out << " " << sig.class_names[c] << " " << pct(share) << " (" << l.patterns[c].distinct()
          << (l.patterns[c].overflow() ? "+" : "") << " distinct)";
    }
    out << "\n";
  }
}

// (c): per layer, how well the classes separate; per pair, from which layer on.
void write_separability(std::ostream& out, const SignatureStudy& st) {
  const auto& sig = st.signatures;
  if (st.separability.by_probe)
    out << "\n(c) From which layer do the classes separate (linear probe on each layer's full activations, "
           "held-out accuracy; nearest-centroid accuracy and Fisher ratio as secondary columns)\n";
  else
    out << "\n(c) From which layer do the classes separate (nearest-centroid accuracy on held-out inputs, "
           "Fisher ratio)\n";
  for (std::size_t p = 0; p < sig.layers.size(); ++p) {
    const auto& s = st.separability.layers[p];
    out << "  " << pad(sig.layer_label(p), 22);
    if (s.probed) out << "probe " << pct(s.probe_accuracy) << "  ";
    out << "centroid " << pct(s.nearest_centroid_accuracy) << "  fisher " << fmt("%.3f", s.fisher) << "\n";
  }
  for (const auto& d : st.separability.pairs) {
    out << "  " << sig.class_names[d.a] << " vs " << sig.class_names[d.b] << ": ";
    if (d.position < 0) {
      out << "never reaches " << pct(st.separability.threshold) << " (best " << pct(d.accuracy) << ")\n";
    } else {
      out << "separable from " << sig.layer_label(static_cast<std::size_t>(d.position)) << " on (pairwise "
          << (st.separability.by_probe ? "probe " : "centroid ") << "accuracy "
          << pct(d.accuracy) << " >= " << pct(st.separability.threshold)
          << (d.stays_separable ? ", and at every later layer" : ", but not at every later layer") << ")\n";
    }
  }
}

}  // namespace

std::string signature_report(const SignatureStudy& st) {
  const auto& sig = st.signatures;
  std::ostringstream out;
  std::string names;
  for (std::size_t c = 0; c < sig.num_classes(); ++c) names += (c ? ", " : "") + sig.class_names[c];
  out << "Activation signatures of " << sig.samples << " training inputs (classes " << names << "), "
      << sig.layers.size() << " layers recorded; held-out: " << st.heldout.size << " inputs, model accuracy "
      << pct(st.heldout_accuracy) << ".\n";
  out << "\n(a) Which neurons fire, and how\n";
  write_firing(out, sig);
  write_preferences(out, sig);
  for (const auto& g : st.unseen_groups) write_unseen(out, sig, g);
  write_signatures(out, sig);
  write_separability(out, st);
  if (!st.relevance_error.empty()) out << "\nrelevance paths skipped: " << st.relevance_error << "\n";
  return out.str();
}

}  // namespace glassbox::explain
