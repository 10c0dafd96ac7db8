#include "glassbox/explain/layer_probes.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "glassbox/error.h"
#include "glassbox/sample_split.h"

namespace glassbox::explain {

namespace {

using LayerHook = std::function<void(std::size_t position, const float* rows, std::size_t n, const int* labels)>;

// Streams data[order] through the model in batches; calls `hook` for every recorded layer
// (position in signatures.layers) with that layer's flattened outputs of the batch.
void stream(MyDeepLearning& model, const Signatures& sig, const LabeledData& data,
            const std::vector<std::size_t>& order, std::size_t batch_size, const LayerHook& hook) {
  std::vector<int> slot(model.size() + 1, -1);
  for (std::size_t p = 0; p < sig.layers.size(); ++p) {
    const int index = sig.layers[p].index;
    if (index >= static_cast<int>(model.size()))
      throw Error("linear probes: layer " + std::to_string(index) + " not in this model");
    slot[static_cast<std::size_t>(index + 1)] = static_cast<int>(p);
  }
  std::vector<std::size_t> idx;
  std::vector<int> labels;
  for (std::size_t b = 0; b < order.size(); b += batch_size) {
    const std::size_t e = std::min(order.size(), b + batch_size);
    idx.assign(order.begin() + static_cast<std::ptrdiff_t>(b), order.begin() + static_cast<std::ptrdiff_t>(e));
    labels = data.batch_labels(idx);
    const std::size_t n = idx.size();
    const Tensor x = data.batch(idx);
    if (slot[0] >= 0) hook(static_cast<std::size_t>(slot[0]), x.data(), n, labels.data());
    model.forward(x, [&](std::size_t index, const Layer&, const Tensor&, const Tensor& output) {
      const int s = slot[index + 1];
      if (s >= 0) hook(static_cast<std::size_t>(s), output.data(), n, labels.data());
    });
  }
}

}  // namespace

LayerProbes fit_layer_probes(MyDeepLearning& model, const Signatures& sig, const LabeledData& fit,
                             const LabeledData& heldout, const LinearProbeOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t k = sig.num_classes();
  if (fit.size() == 0) throw DataError("linear probes: no inputs to fit the probes on");
  LayerProbes out;
  out.options = options;
  out.fit_samples = fit.size();
  out.heldout_samples = heldout.size();
  std::vector<LinearProbe> probes;
  for (const auto& l : sig.layers) probes.emplace_back(shape_size(l.shape), k, options);
  out.layers.resize(sig.layers.size());
  const std::size_t bs = std::max<std::size_t>(1, options.batch_size);

  std::vector<std::size_t> in_order(fit.size());
  for (std::size_t i = 0; i < in_order.size(); ++i) in_order[i] = i;
  stream(model, sig, fit, in_order, bs, [&](std::size_t p, const float* x, std::size_t n, const int*) {
    probes[p].add_statistics(x, n);
  });
  for (auto& pr : probes) pr.finish_statistics();

  std::vector<float> z;
  std::vector<double> loss(probes.size()), correct(probes.size());
  for (std::size_t epoch = 0; epoch < options.epochs; ++epoch) {
    std::fill(loss.begin(), loss.end(), 0.0);
    std::fill(correct.begin(), correct.end(), 0.0);
    // A fresh order each epoch: the data may come sorted by class, and Adam on one-class
    // batches would swing from class to class.
    const auto order = shuffled_indices(fit.size(), options.seed + epoch);
    stream(model, sig, fit, order, bs, [&](std::size_t p, const float* x, std::size_t n, const int* y) {
      if (epoch + 1 == options.epochs) {
        z.resize(n * k);
        probes[p].logits(x, n, z.data());
        for (std::size_t i = 0; i < n; ++i) {
          const float* r = z.data() + i * k;
          correct[p] += static_cast<std::size_t>(std::max_element(r, r + k) - r) == static_cast<std::size_t>(y[i]);
        }
      }
      loss[p] += probes[p].train_step(x, y, n) * static_cast<double>(n);
    });
  }
  for (std::size_t p = 0; p < probes.size(); ++p) {
    out.layers[p].features = probes[p].features();
    out.layers[p].train_loss = loss[p] / static_cast<double>(fit.size());
    out.layers[p].train_accuracy = correct[p] / static_cast<double>(fit.size());
  }

  std::vector<ProbeScore> scores(probes.size(), ProbeScore(k));
  std::vector<std::size_t> held_order(heldout.size());
  for (std::size_t i = 0; i < held_order.size(); ++i) held_order[i] = i;
  stream(model, sig, heldout, held_order, bs, [&](std::size_t p, const float* x, std::size_t n, const int* y) {
    z.resize(n * k);
    probes[p].logits(x, n, z.data());
    scores[p].add(z.data(), y, n);
  });
  for (std::size_t p = 0; p < probes.size(); ++p) {
    out.layers[p].accuracy = scores[p].accuracy();
    out.layers[p].pair_accuracy = scores[p].pair_accuracy();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace glassbox::explain
