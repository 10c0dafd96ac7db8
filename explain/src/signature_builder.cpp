#include "glassbox/explain/signature_builder.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "glassbox/error.h"
#include "glassbox/sample_split.h"

namespace glassbox::explain {

FeatureKind feature_kind_for(const Shape& sample_shape) {
  return sample_shape.size() == 3 ? FeatureKind::channel : FeatureKind::neuron;
}

FeatureExtractor::FeatureExtractor(FeatureKind kind, const Shape& sample_shape, std::size_t grid)
    : kind_(kind), sample_size_(shape_size(sample_shape)) {
  if (kind == FeatureKind::channel) {
    if (sample_shape.size() != 3)
      throw Error("FeatureExtractor: channel features need a (C, H, W) output, got " +
                  shape_to_string(sample_shape));
    features_ = sample_shape[0];
    h_ = sample_shape[1];
    w_ = sample_shape[2];
    spatial_ = h_ * w_;
    // A grid finer than the map would have empty cells: cap it at the map's size.
    grid_ = std::min({grid, h_, w_});
  } else {
    features_ = sample_size_;
  }
}

void FeatureExtractor::reduce(const float* output, std::size_t n) {
  raw_ = output;
  if (kind_ == FeatureKind::neuron) return;
  mean_.resize(n * features_);
  peak_.resize(n * features_);
  const float inv = 1.0f / static_cast<float>(spatial_);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < features_; ++c) {
      const float* p = output + i * sample_size_ + c * spatial_;
      float s = 0, m = -std::numeric_limits<float>::infinity();
      for (std::size_t k = 0; k < spatial_; ++k) {
        s += p[k];
        m = std::max(m, p[k]);
      }
      mean_[i * features_ + c] = s * inv;
      peak_[i * features_ + c] = m;
    }
  if (grid_ == 0) return;
  const std::size_t g = grid_;
  cell_.assign(n * features_ * g * g, -std::numeric_limits<float>::infinity());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < features_; ++c) {
      const float* p = output + i * sample_size_ + c * spatial_;
      float* cell = cell_.data() + (i * features_ + c) * g * g;
      for (std::size_t y = 0; y < h_; ++y) {
        const std::size_t gy = y * g / h_;
        for (std::size_t x = 0; x < w_; ++x) {
          float& m = cell[gy * g + x * g / w_];
          m = std::max(m, p[y * w_ + x]);
        }
      }
    }
}

const float* FeatureExtractor::cells_of(std::size_t i) const {
  return grid_ == 0 ? nullptr : cell_.data() + i * features_ * grid_ * grid_;
}

const float* FeatureExtractor::features_of(std::size_t i) const {
  return kind_ == FeatureKind::neuron ? raw_ + i * sample_size_ : mean_.data() + i * features_;
}

const float* FeatureExtractor::peaks_of(std::size_t i) const {
  return kind_ == FeatureKind::neuron ? raw_ + i * sample_size_ : peak_.data() + i * features_;
}

struct SignatureBuilder::Recorder {
  FeatureExtractor extractor;
  // Calibration values per channel: peaks, and cell maxima (all cells of the channel).
  std::vector<std::vector<float>> peaks, cells;
  Recorder(FeatureKind kind, const Shape& shape, std::size_t grid) : extractor(kind, shape, grid) {}
};

namespace {

// The q-quantile (nearest rank on the sorted values) of v, which it reorders.
float quantile(std::vector<float>& v, double q) {
  if (v.empty()) return 0.0f;
  const auto k = static_cast<std::size_t>(std::min<double>(static_cast<double>(v.size() - 1),
                                                           std::floor(q * static_cast<double>(v.size() - 1) + 0.5)));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

SignatureBuilder::SignatureBuilder(const MyDeepLearning& model, std::vector<std::string> class_names,
                                   std::vector<int> source_labels, SignatureOptions options) {
  if (!model.built()) throw Error("signatures: the model is not built (no input shape)");
  sig_.options = options;
  sig_.class_names = std::move(class_names);
  sig_.source_labels = std::move(source_labels);
  const std::size_t k = sig_.class_names.size();
  if (k == 0) throw Error("signatures: the data has no classes");
  if (options.conv_firing != "quantile" && options.conv_firing != "threshold")
    throw Error("signatures: conv_firing must be \"quantile\" or \"threshold\", got \"" + options.conv_firing + "\"");
  if (!(options.conv_quantile >= 0.0 && options.conv_quantile <= 1.0))
    throw Error("signatures: conv_quantile must be in [0, 1], got " + std::to_string(options.conv_quantile));
  if (sig_.source_labels.size() != k) {
    sig_.source_labels.resize(k);
    for (std::size_t c = 0; c < k; ++c) sig_.source_labels[c] = static_cast<int>(c);
  }
  sig_.class_counts.assign(k, 0);
  position_.assign(model.size() + 1, -1);

  auto wanted = [&](const std::string& name) {
    return options.layers.empty() ||
           std::find(options.layers.begin(), options.layers.end(), name) != options.layers.end();
  };
  auto add_layer = [&](int index, const std::string& name, const std::string& type, LayerKind kind,
                       const std::string& activation, const Shape& shape, FeatureKind fk) {
    LayerSignature l;
    l.index = index;
    l.name = name;
    l.type = type;
    l.kind = kind;
    l.activation = activation;
    l.shape = shape;
    l.feature_kind = fk;
    const std::size_t grid = fk == FeatureKind::channel ? options.pattern_grid : 0;
    recorders_.push_back(std::make_unique<Recorder>(fk, shape, grid));
    const FeatureExtractor& ex = recorders_.back()->extractor;
    l.features = ex.features();
    l.grid = ex.grid();
    l.thresholds.assign(l.features, options.firing_threshold);
    l.cell_thresholds.assign(l.grid ? l.features : 0, options.firing_threshold);
    l.pattern_bits = l.features * std::max<std::size_t>(1, l.grid * l.grid);
    l.moments.assign(k, RunningMoments(l.features));
    if (fk == FeatureKind::channel) l.peak_moments.assign(k, RunningMoments(l.features));
    l.fire_counts.assign(k, std::vector<std::int64_t>(l.features, 0));
    l.patterns.assign(k, PatternCounts(options.pattern_capacity));
    l.covariance = SharedCovariance(l.features, k, options.max_covariance_dim);
    position_[static_cast<std::size_t>(index + 1)] = static_cast<int>(sig_.layers.size());
    sig_.layers.push_back(std::move(l));
  };
  // The input is seen as pixels (neurons), not as a 1-channel image: one feature per pixel.
  if (options.include_input && wanted("input"))
    add_layer(-1, "input", "input", LayerKind::other, "linear", model.input_shape(), FeatureKind::neuron);
  // In the order a pass runs the layers: a graph's layers may be listed in another order
  // (inputs may name later layers), and "from which layer on" (separability, divergence)
  // reads the positions in this order.
  for (const std::size_t i : model.execution_order()) {
    const Layer& layer = model.layer(i);
    const bool duplicate = layer.kind() == LayerKind::reshape || layer.kind() == LayerKind::dropout;
    if (duplicate && !options.include_reshape && options.layers.empty()) continue;
    if (!wanted(layer.name())) continue;
    const Shape& shape = model.layer_output_shape(i);
    add_layer(static_cast<int>(i), layer.name(), layer.type(), layer.kind(), to_string(layer.activation()), shape,
              feature_kind_for(shape));
  }
  if (sig_.layers.empty()) throw Error("signatures: no layer selected (check the layer names)");
}

SignatureBuilder::~SignatureBuilder() = default;

void SignatureBuilder::observe(int layer_index, const Tensor& output, const std::vector<int>& labels) {
  const std::size_t slot = static_cast<std::size_t>(layer_index + 1);
  if (slot >= position_.size() || position_[slot] < 0) return;
  const std::size_t p = static_cast<std::size_t>(position_[slot]);
  LayerSignature& l = sig_.layers[p];
  FeatureExtractor& ex = recorders_[p]->extractor;
  const std::size_t n = labels.size();
  if (output.size() != n * shape_size(l.shape))
    throw Error("signatures: layer '" + l.name + "' gave " + std::to_string(output.size()) +
                " values for a batch of " + std::to_string(n) + " samples of shape " + shape_to_string(l.shape));
  ex.reduce(output.data(), n);
  const std::size_t f = l.features;
  for (std::size_t i = 0; i < n; ++i) {
    const int c = labels[i];
    const float* x = ex.features_of(i);
    const float* peak = ex.peaks_of(i);
    l.moments[static_cast<std::size_t>(c)].add(x);
    if (l.feature_kind == FeatureKind::channel) l.peak_moments[static_cast<std::size_t>(c)].add(peak);
    auto& fires = l.fire_counts[static_cast<std::size_t>(c)];
    for (std::size_t j = 0; j < f; ++j) fires[j] += peak[j] > l.thresholds[j] ? 1 : 0;
    l.patterns[static_cast<std::size_t>(c)].add(l.binarize(peak, ex.cells_of(i)));
    l.covariance.add(x, c);
  }
}

bool SignatureBuilder::needs_calibration() const {
  if (sig_.options.conv_firing != "quantile") return false;
  for (const auto& l : sig_.layers)
    if (l.feature_kind == FeatureKind::channel) return true;
  return false;
}

void SignatureBuilder::calibrate_batch(MyDeepLearning& model, const Tensor& x) {
  const std::size_t n = x.shape().empty() ? 0 : x.shape()[0];
  model.forward(x, [&](std::size_t index, const Layer&, const Tensor&, const Tensor& output) {
    const std::size_t slot = index + 1;
    if (slot >= position_.size() || position_[slot] < 0) return;
    const auto p = static_cast<std::size_t>(position_[slot]);
    const LayerSignature& l = sig_.layers[p];
    if (l.feature_kind != FeatureKind::channel) return;
    Recorder& r = *recorders_[p];
    r.extractor.reduce(output.data(), n);
    r.peaks.resize(l.features);
    r.cells.resize(l.grid ? l.features : 0);
    const std::size_t cells = l.grid * l.grid;
    for (std::size_t i = 0; i < n; ++i) {
      const float* peak = r.extractor.peaks_of(i);
      for (std::size_t c = 0; c < l.features; ++c) r.peaks[c].push_back(peak[c]);
      if (const float* cell = r.extractor.cells_of(i))
        for (std::size_t c = 0; c < l.features; ++c)
          r.cells[c].insert(r.cells[c].end(), cell + c * cells, cell + (c + 1) * cells);
    }
  });
}

void SignatureBuilder::finish_calibration() {
  const double q = sig_.options.conv_quantile;
  for (std::size_t p = 0; p < sig_.layers.size(); ++p) {
    LayerSignature& l = sig_.layers[p];
    Recorder& r = *recorders_[p];
    if (l.feature_kind != FeatureKind::channel || r.peaks.empty()) continue;
    for (std::size_t c = 0; c < l.features; ++c) {
      l.thresholds[c] = quantile(r.peaks[c], q);
      if (l.grid) l.cell_thresholds[c] = quantile(r.cells[c], q);
    }
    r.peaks.clear();
    r.peaks.shrink_to_fit();
    r.cells.clear();
    r.cells.shrink_to_fit();
  }
}

void SignatureBuilder::add_batch(MyDeepLearning& model, const Tensor& x, const std::vector<int>& labels) {
  const std::size_t k = sig_.class_names.size();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= k)
      throw Error("signatures: label " + std::to_string(labels[i]) + " outside 0.." + std::to_string(k - 1));
    ++sig_.class_counts[static_cast<std::size_t>(labels[i])];
  }
  sig_.samples += static_cast<std::int64_t>(labels.size());
  observe(-1, x, labels);
  model.forward(x, [&](std::size_t index, const Layer&, const Tensor&, const Tensor& output) {
    observe(static_cast<int>(index), output, labels);
  });
}

Signatures SignatureBuilder::finish() { return std::move(sig_); }

Signatures build_signatures(MyDeepLearning& model, const LabeledData& data, const SignatureOptions& options,
                            ReplicaGroup* replicas) {
  std::vector<int> source(data.num_classes());
  // Class c's label in the source numbering: read it off the first sample of that class.
  for (std::size_t c = 0; c < source.size(); ++c) source[c] = static_cast<int>(c);
  std::vector<bool> seen(source.size(), false);
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto c = static_cast<std::size_t>(data.label(i));
    if (c < seen.size() && !seen[c]) {
      seen[c] = true;
      source[c] = data.original_label(i);
    }
  }
  SignatureBuilder builder(model, data.class_names(), source, options);
  const std::size_t bs = std::max<std::size_t>(1, options.batch_size);
  if (builder.needs_calibration()) {
    // A seeded shuffle, so a limit takes inputs of every class, in the data's proportions.
    auto order = shuffled_indices(data.size(), 0x5eed);
    if (options.calibration_samples > 0 && order.size() > options.calibration_samples)
      order.resize(options.calibration_samples);
    std::vector<std::size_t> idx;
    for (std::size_t b = 0; b < order.size(); b += bs) {
      idx.assign(order.begin() + static_cast<std::ptrdiff_t>(b),
                 order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), b + bs)));
      builder.calibrate_batch(model, data.batch(idx));
    }
    builder.finish_calibration();
  }
  const bool sharded = replicas && replicas->size() > 1;
  const Shard shard = sharded ? shard_of(data.size(), replicas->rank(), replicas->size()) : Shard{0, data.size()};
  std::vector<int> labels;
  for (std::size_t b = shard.begin; b < shard.end; b += bs) {
    const std::size_t e = std::min(shard.end, b + bs);
    labels.assign(data.labels().begin() + static_cast<std::ptrdiff_t>(b),
                  data.labels().begin() + static_cast<std::ptrdiff_t>(e));
    builder.add_batch(model, data.batch_range(b, e), labels);
  }
  Signatures sig = builder.finish();
  if (!sharded) return sig;
  const auto states = replicas->all_gather(signature_accumulators(sig).dump());
  for (std::size_t r = 0; r < states.size(); ++r) merge_signature_accumulators(sig, nlohmann::json::parse(states[r]), r == 0);
  return sig;
}

}  // namespace glassbox::explain
