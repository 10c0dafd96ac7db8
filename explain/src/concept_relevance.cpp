#include "glassbox/explain/concept_relevance.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "section_value.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {



// Indices of the `k` largest values (ties: the lower index first).
std::vector<std::size_t> top_indices(const std::vector<double>& v, std::size_t k) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] > v[b]; });
  order.resize(std::min(k, order.size()));
  return order;
}

// Rows `rows` of x repeated `times` times each (row r * times + t = x[rows[r]]).
Tensor repeat_rows(const Tensor& x, const std::vector<std::size_t>& rows, std::size_t times) {
  std::vector<std::size_t> idx;
  for (std::size_t r : rows)
    for (std::size_t t = 0; t < times; ++t) idx.push_back(r);
  return gather_rows(x, idx);
}

// Mean of rows [r0, r0 + count * stride) step `stride` of a batch, as (1, ...).
void add_row_mean(const Tensor& t, std::size_t first, std::size_t stride, std::size_t count, float* out) {
  const std::size_t per = t.size() / t.shape(0);
  for (std::size_t s = 0; s < count; ++s) {
    const float* row = t.data() + (first + s * stride) * per;
    for (std::size_t j = 0; j < per; ++j) out[j] += row[j] / static_cast<float>(count);
  }
}

// The held-out inputs of class c that the model classifies as c, at most `limit`.
std::vector<std::size_t> class_inputs(const LabeledData& data, const std::vector<int>& predicted, int c,
                                      std::size_t limit) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < data.size() && idx.size() < limit; ++i)
    if (data.label(i) == c && predicted[i] == c) idx.push_back(i);
  return idx;
}

}  // namespace

ConceptOptions ConceptOptions::from_json(const json& s, const std::string& where) {
  ConceptOptions o;
  validate_section(s, "concepts", where);  // keys, types and ranges, as in an experiment file
  o.enabled = section_value<bool>(s, "enabled", o.enabled);
  o.composite = section_value<std::string>(s, "composite", o.composite);
  o.samples = section_value<std::size_t>(s, "samples", o.samples);
  o.top_k = section_value<std::size_t>(s, "top_k", o.top_k);
  o.references = section_value<std::size_t>(s, "references", o.references);
  o.reference_pool = section_value<std::size_t>(s, "reference_pool", o.reference_pool);
  o.layers = section_value<std::vector<std::string>>(s, "layers", o.layers);
  o.plots = section_value<bool>(s, "plots", o.plots);
  try {
    (void)make_composite(o.composite);  // an unknown name fails here, naming the known ones
  } catch (const ConfigError& e) {
    throw ConfigError(where + ".composite: " + e.what());
  }
  return o;
}

std::vector<ConceptLayer> concept_layers(const MyDeepLearning& model, const std::vector<std::string>& names) {
  std::vector<ConceptLayer> out;
  auto add = [&](std::size_t i) {
    const Shape& shape = model.layer_output_shape(i);
    out.push_back({i, model.layer(i).name(), model.layer(i).type(), shape.empty() ? 0 : shape[0]});
  };
  const std::vector<std::size_t>& order = model.execution_order();
  if (!names.empty()) {
    std::vector<bool> wanted(model.size(), false);
    for (const auto& n : names) wanted[model.layer_index(n)] = true;  // throws naming the known layers
    for (std::size_t i : order)
      if (wanted[i]) add(i);
    return out;
  }
  std::vector<std::size_t> linear;
  for (std::size_t i : order)
    if (model.layer(i).kind() == LayerKind::linear && !model.layer(i).params().empty()) linear.push_back(i);
  if (!linear.empty()) linear.pop_back();  // the logits
  for (std::size_t i : linear) add(i);
  return out;
}

std::vector<double> concept_sums(const Tensor& t) {
  const std::size_t rows = t.shape(0), c = t.shape(1), per = t.size() / rows, block = per / c;
  std::vector<double> out(rows * c, 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t j = 0; j < c; ++j) out[r * c + j] = sum_of(t.data() + r * per + j * block, block);
  return out;
}

LrpResult explain_concepts(Lrp& lrp, const Tensor& x, const std::vector<int>& targets, const ConceptLayer& layer) {
  const std::size_t n = x.shape(0), c = layer.concepts;
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), 0);
  ConceptCondition cond;
  cond.layer = layer.index;
  std::vector<int> t;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t j = 0; j < c; ++j) {
      cond.keep.push_back(static_cast<int>(j));
      t.push_back(targets.at(s));
    }
  return lrp.explain(repeat_rows(x, rows, c), t, cond);
}

namespace {

// The unconditional part of a class's path: heatmap, relevance per concept, top concepts.
// Returns the input relevance of every input.
Tensor unconditional_path(Lrp& lrp, const std::vector<ConceptLayer>& layers, const Tensor& x, std::size_t top_k,
                          ClassConceptPath& p) {
  const std::size_t n = x.shape(0);
  LrpResult r = lrp.explain(x, std::vector<int>(n, p.target));
  p.heatmap = Tensor::from_shape(batch_shape(1, Shape(x.shape().begin() + 1, x.shape().end())));
  p.heatmap.fill(0.0f);
  add_row_mean(r.input_relevance, 0, 1, n, p.heatmap.data());
  for (float l : r.logit) p.logit += l / static_cast<double>(n);
  for (const auto& l : layers) {
    const auto sums = concept_sums(r.layer_relevance.at(l.index));
    std::vector<double> mean(l.concepts, 0.0);
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t j = 0; j < l.concepts; ++j) mean[j] += sums[s * l.concepts + j] / static_cast<double>(n);
    p.total.push_back(std::accumulate(mean.begin(), mean.end(), 0.0));
    p.top.push_back(top_indices(mean, top_k));
    p.relevance.push_back(std::move(mean));
  }
  return std::move(r.input_relevance);
}

// The input relevance of each input conditioned on the whole of layer q (keep = -1): the
// relevance that flows through the layer, which its concepts share; and, as
// p.through_share[q], its mean share of the unconditional input relevance.
Tensor through_layer(Lrp& lrp, const ConceptLayer& layer, const Tensor& x, const Tensor& unconditional,
                     ClassConceptPath& p, std::size_t q) {
  const std::size_t n = x.shape(0), per = x.size() / std::max<std::size_t>(n, 1);
  ConceptCondition whole;
  whole.layer = layer.index;
  whole.keep.assign(n, -1);
  LrpResult r = lrp.explain(x, std::vector<int>(n, p.target), whole);
  double share = 0;
  for (std::size_t s = 0; s < n; ++s) {
    const double all = sum_of(unconditional.data() + s * per, per);
    share += (all != 0 ? sum_of(r.input_relevance.data() + s * per, per) / all : 1.0) / static_cast<double>(n);
  }
  p.through_share[q] = share;
  return std::move(r.input_relevance);
}

// max over inputs of |sum_c R(x|c) - R(x|layer)| / |R(x|layer)| (L2), R of (n * c) rows.
double concept_conservation_error(const Tensor& conditional, const Tensor& through, std::size_t n, std::size_t c) {
  const std::size_t per = through.size() / std::max<std::size_t>(n, 1);
  double worst = 0;
  for (std::size_t s = 0; s < n; ++s) {
    double diff = 0, norm = 0;
    for (std::size_t k = 0; k < per; ++k) {
      double sum = 0;
      for (std::size_t j = 0; j < c; ++j) sum += conditional.data()[(s * c + j) * per + k];
      const double u = through.data()[s * per + k];
      diff += (sum - u) * (sum - u);
      norm += u * u;
    }
    worst = std::max(worst, norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff));
  }
  return worst;
}

// Conditioned on each concept of layer q: mean conditional heatmaps, conservation against
// the relevance through the layer, and the flow into the next lower concept layer.
void conditional_path(Lrp& lrp, const std::vector<ConceptLayer>& layers, std::size_t q, const Tensor& x,
                      const Tensor& unconditional, ClassConceptPath& p) {
  const std::size_t n = x.shape(0), c = layers[q].concepts;
  const LrpResult r = explain_concepts(lrp, x, std::vector<int>(n, p.target), layers[q]);
  const Shape in_shape(x.shape().begin() + 1, x.shape().end());
  const std::size_t per = shape_size(in_shape);
  Tensor maps = Tensor::from_shape(batch_shape(c, in_shape));
  maps.fill(0.0f);
  for (std::size_t j = 0; j < c; ++j) add_row_mean(r.input_relevance, j, c, n, maps.data() + j * per);
  p.heatmaps[q] = std::move(maps);
  const Tensor through = through_layer(lrp, layers[q], x, unconditional, p, q);
  p.conservation_error[q] = concept_conservation_error(r.input_relevance, through, n, c);
  if (q == 0) return;
  const ConceptLayer& lower = layers[q - 1];
  const auto sums = concept_sums(r.layer_relevance.at(lower.index));
  auto& flow = p.flow[q - 1];
  flow.assign(lower.concepts, std::vector<double>(c, 0.0));
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t j = 0; j < c; ++j)
      for (std::size_t i = 0; i < lower.concepts; ++i)
        flow[i][j] += sums[(s * c + j) * lower.concepts + i] / static_cast<double>(n);
}

ClassConceptPath class_path(Lrp& lrp, const std::vector<ConceptLayer>& layers, const Tensor& x, int target,
                            std::size_t top_k) {
  ClassConceptPath p;
  p.target = target;
  p.count = x.shape(0);
  const Tensor unconditional = unconditional_path(lrp, layers, x, top_k, p);
  p.heatmaps.resize(layers.size());
  p.conservation_error.assign(layers.size(), 0.0);
  p.through_share.assign(layers.size(), 1.0);
  p.flow.resize(layers.size() ? layers.size() - 1 : 0);
  for (std::size_t q = 0; q < layers.size(); ++q) conditional_path(lrp, layers, q, x, unconditional, p);
  return p;
}

}  // namespace

namespace {

// Per row of x and concept of `layer`: the largest activation of the concept's units.
std::vector<double> concept_maxima(MyDeepLearning& model, const ConceptLayer& layer, const Tensor& x) {
  const std::size_t n = x.shape(0), c = layer.concepts;
  std::vector<double> out(n * c, 0.0);
  model.forward(x, [&](std::size_t index, const Layer&, const Tensor&, const Tensor& y) {
    if (index != layer.index) return;
    const std::size_t per = y.size() / n, block = per / c;
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t j = 0; j < c; ++j) {
        const float* b = y.data() + r * per + j * block;
        out[r * c + j] = *std::max_element(b, b + block);
      }
  });
  return out;
}

// References of every concept of layer q among the pool x (labels: each row's class).
std::vector<ConceptReference> layer_references(MyDeepLearning& model, Lrp& lrp, const ConceptLayer& layer,
                                               const Tensor& x, const std::vector<int>& labels,
                                               const LrpResult& pool, std::size_t k) {
  const std::size_t n = x.shape(0), c = layer.concepts;
  const auto rel = concept_sums(pool.layer_relevance.at(layer.index));
  const auto act = concept_maxima(model, layer, x);
  std::vector<ConceptReference> out(c);
  ConceptCondition cond;
  cond.layer = layer.index;
  std::vector<std::size_t> rows;
  std::vector<int> targets;
  for (std::size_t j = 0; j < c; ++j) {
    std::vector<double> r(n), a(n);
    for (std::size_t s = 0; s < n; ++s) r[s] = rel[s * c + j], a[s] = act[s * c + j];
    auto& ref = out[j];
    ref.by_relevance = top_indices(r, k);
    ref.by_activation = top_indices(a, k);
    for (std::size_t s : ref.by_relevance) ref.relevance.push_back(r[s]);
    for (std::size_t s : ref.by_activation) ref.activation.push_back(a[s]);
    for (std::size_t s : ref.by_relevance) {
      rows.push_back(s);
      targets.push_back(labels[s]);
      cond.keep.push_back(static_cast<int>(j));
    }
  }
  if (rows.empty()) return out;
  const LrpResult maps = lrp.explain(gather_rows(x, rows), targets, cond);
  std::size_t row = 0;
  for (auto& ref : out) {
    std::vector<std::size_t> mine(ref.by_relevance.size());
    std::iota(mine.begin(), mine.end(), row);
    row += mine.size();
    ref.heatmaps = gather_rows(maps.input_relevance, mine);
  }
  return out;
}

}  // namespace

ConceptStudy run_concept_study(MyDeepLearning& model, const LabeledData& heldout, const ConceptOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  if (heldout.size() == 0) throw DataError("concept paths: no held-out inputs");
  ConceptStudy st;
  st.options = o;
  st.layers = concept_layers(model, o.layers);
  if (st.layers.empty())
    throw Error("concept paths: the model has no concept layer (a conv or dense layer below the output)");
  st.class_names = heldout.class_names();
  Lrp lrp(model, make_composite(o.composite), LrpOptions().keep_layer_relevance(true));
  std::vector<std::size_t> all(heldout.size());
  std::iota(all.begin(), all.end(), 0);
  const std::vector<int> predicted = model.predict_classes(heldout.batch(all));
  const std::size_t k = std::min(heldout.num_classes(), lrp.num_classes());
  for (std::size_t c = 0; c < k; ++c) {
    const auto idx = class_inputs(heldout, predicted, static_cast<int>(c), o.samples);
    if (idx.empty()) continue;
    auto p = class_path(lrp, st.layers, heldout.batch(idx), static_cast<int>(c), o.top_k);
    p.name = c < st.class_names.size() ? st.class_names[c] : std::to_string(c);
    st.classes.push_back(std::move(p));
  }
  if (o.references > 0) {
    st.pool = o.reference_pool ? std::min(o.reference_pool, heldout.size()) : heldout.size();
    std::vector<std::size_t> idx(st.pool);
    std::iota(idx.begin(), idx.end(), 0);
    const Tensor x = heldout.batch(idx);
    const std::vector<int> labels = heldout.batch_labels(idx);
    const LrpResult pool = lrp.explain(x, labels);
    for (const auto& layer : st.layers)
      st.references.push_back(layer_references(model, lrp, layer, x, labels, pool, o.references));
  }
  st.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return st;
}

}  // namespace glassbox::explain
