#include "glassbox/explain/layer_probes.h"

#include <algorithm>
#include <chrono>
#include <functional>

#include "glassbox/error.h"
#include "glassbox/sample_split.h"

namespace glassbox::explain {

namespace {

using LayerHook = std::function<void(std::size_t position, const float* rows, std::size_t n, const int* labels)>;

// slot[index + 1]: the position in signatures.layers of model layer `index` (-1 the input),
// or -1 when that layer is not recorded.
std::vector<int> layer_slots(const MyDeepLearning& model, const Signatures& sig) {
  std::vector<int> slot(model.size() + 1, -1);
  for (std::size_t p = 0; p < sig.layers.size(); ++p) {
    const int index = sig.layers[p].index;
    if (index >= static_cast<int>(model.size()))
      throw Error("linear probes: layer " + std::to_string(index) + " not in this model");
    slot[static_cast<std::size_t>(index + 1)] = static_cast<int>(p);
  }
  return slot;
}

// Streams the rows `idx` of data through the model as one batch and calls `hook` for every
// recorded layer with that layer's flattened outputs. No rows: no call.
void stream_batch(MyDeepLearning& model, const std::vector<int>& slot, const LabeledData& data,
                  const std::vector<std::size_t>& idx, const LayerHook& hook) {
  if (idx.empty()) return;
  const std::vector<int> labels = data.batch_labels(idx);
  const std::size_t n = idx.size();
  const Tensor x = data.batch(idx);
  if (slot[0] >= 0) hook(static_cast<std::size_t>(slot[0]), x.data(), n, labels.data());
  model.forward(x, [&](std::size_t index, const Layer&, const Tensor&, const Tensor& output) {
    const int s = slot[index + 1];
    if (s >= 0) hook(static_cast<std::size_t>(s), output.data(), n, labels.data());
  });
}

// Streams data[order] through the model in batches of batch_size.
void stream(MyDeepLearning& model, const std::vector<int>& slot, const LabeledData& data,
            const std::vector<std::size_t>& order, std::size_t batch_size, const LayerHook& hook) {
  std::vector<std::size_t> idx;
  for (std::size_t b = 0; b < order.size(); b += batch_size) {
    const std::size_t e = std::min(order.size(), b + batch_size);
    idx.assign(order.begin() + static_cast<std::ptrdiff_t>(b), order.begin() + static_cast<std::ptrdiff_t>(e));
    stream_batch(model, slot, data, idx, hook);
  }
}

// The indices of this replica's contiguous shard of n samples (all of them alone).
std::vector<std::size_t> shard_indices(std::size_t n, const ReplicaGroup* replicas) {
  const Shard s = shard_for(n, replicas);
  std::vector<std::size_t> idx(s.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = s.begin + i;
  return idx;
}

// Adds each item's buffer (`read`) up over the replicas in one message and hands each
// item its sum (`write`).
template <class T, class Read, class Write>
void sum_buffers(ReplicaGroup& group, std::vector<T>& items, Read read, Write write) {
  std::vector<double> all;
  std::vector<std::size_t> at{0};
  for (const T& item : items) {
    const std::vector<double> b = read(item);
    all.insert(all.end(), b.begin(), b.end());
    at.push_back(all.size());
  }
  group.sum(all.data(), all.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    write(items[i], std::vector<double>(all.begin() + static_cast<std::ptrdiff_t>(at[i]),
                                        all.begin() + static_cast<std::ptrdiff_t>(at[i + 1])));
}

// The standardization pass: each replica streams its shard, the sums are added up.
void fit_statistics(MyDeepLearning& model, const std::vector<int>& slot, const LabeledData& fit, std::size_t bs,
                    std::vector<LinearProbe>& probes, ReplicaGroup* replicas) {
  stream(model, slot, fit, shard_indices(fit.size(), replicas), bs,
         [&](std::size_t p, const float* x, std::size_t n, const int*) { probes[p].add_statistics(x, n); });
  if (sharded(replicas))
    sum_buffers(*replicas, probes, [](const LinearProbe& pr) { return pr.statistics(); },
                [](LinearProbe& pr, const std::vector<double>& b) { pr.set_statistics(b); });
  for (auto& pr : probes) pr.finish_statistics();
}

// Rows of x whose largest logit is their label's (the first of tied maxima).
std::size_t count_hits(const LinearProbe& probe, const float* x, const int* y, std::size_t n, std::vector<float>& z) {
  const std::size_t k = probe.classes();
  z.resize(n * k);
  probe.logits(x, n, z.data());
  std::size_t hits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const float* r = z.data() + i * k;
    hits += static_cast<std::size_t>(std::max_element(r, r + k) - r) == static_cast<std::size_t>(y[i]);
  }
  return hits;
}

// Per layer: the summed loss and (in the last epoch) the hits before each step.
struct EpochFigures {
  std::vector<double> loss, hits;
};

// One training pass in a seeded order, fresh each epoch (the data may come sorted by class,
// and Adam on one-class batches would swing from class to class). Every replica takes its
// shard of each batch; the probes' gradients, losses and hits go in one flat buffer summed
// over the replicas, and every replica takes the same step.
EpochFigures train_epoch(MyDeepLearning& model, const std::vector<int>& slot, const LabeledData& fit,
                         std::vector<LinearProbe>& probes, const LinearProbeOptions& options, std::size_t epoch,
                         ReplicaGroup* replicas) {
  const std::size_t layers = probes.size(), bs = std::max<std::size_t>(1, options.batch_size);
  const bool last = epoch + 1 == options.epochs, with_penalty = !sharded(replicas) || replicas->rank() == 0;
  std::vector<std::size_t> at(layers + 1, 0);  // each probe's gradient in the buffer; then losses, then hits
  for (std::size_t p = 0; p < layers; ++p) at[p + 1] = at[p] + probes[p].gradient_size();
  std::vector<float> buf(at[layers] + 2 * layers), z;
  float* loss = buf.data() + at[layers];
  float* hits = loss + layers;
  EpochFigures out{std::vector<double>(layers, 0.0), std::vector<double>(layers, 0.0)};
  const auto order = shuffled_indices(fit.size(), options.seed + epoch);
  std::vector<std::size_t> idx;
  for (std::size_t b = 0; b < order.size(); b += bs) {
    const std::size_t batch = std::min(bs, order.size() - b);
    const Shard s = shard_for(batch, replicas);
    idx.assign(order.begin() + static_cast<std::ptrdiff_t>(b + s.begin),
               order.begin() + static_cast<std::ptrdiff_t>(b + s.end));
    std::fill(buf.begin(), buf.end(), 0.0f);
    stream_batch(model, slot, fit, idx, [&](std::size_t p, const float* x, std::size_t n, const int* y) {
      if (last) hits[p] = static_cast<float>(count_hits(probes[p], x, y, n, z));
      loss[p] = static_cast<float>(probes[p].gradient(x, y, n, batch, with_penalty, buf.data() + at[p]));
    });
    if (sharded(replicas)) replicas->sum(buf.data(), buf.size());
    for (std::size_t p = 0; p < layers; ++p) {
      probes[p].apply_gradient(buf.data() + at[p]);
      out.loss[p] += loss[p];
      out.hits[p] += hits[p];
    }
  }
  return out;
}

// Held-out accuracy: each replica scores its shard, the tallies are added up.
std::vector<ProbeScore> score_probes(MyDeepLearning& model, const std::vector<int>& slot, const LabeledData& heldout,
                                     std::size_t bs, const std::vector<LinearProbe>& probes, ReplicaGroup* replicas) {
  const std::size_t k = probes.front().classes();
  std::vector<ProbeScore> scores(probes.size(), ProbeScore(k));
  std::vector<float> z;
  stream(model, slot, heldout, shard_indices(heldout.size(), replicas), bs,
         [&](std::size_t p, const float* x, std::size_t n, const int* y) {
           z.resize(n * k);
           probes[p].logits(x, n, z.data());
           scores[p].add(z.data(), y, n);
         });
  if (sharded(replicas))
    sum_buffers(*replicas, scores, [](const ProbeScore& s) { return s.tallies(); },
                [](ProbeScore& s, const std::vector<double>& b) { s.set_tallies(b); });
  return scores;
}

}  // namespace

LayerProbes fit_layer_probes(MyDeepLearning& model, const Signatures& sig, const LabeledData& fit,
                             const LabeledData& heldout, const LinearProbeOptions& options, ReplicaGroup* replicas) {
  const auto t0 = std::chrono::steady_clock::now();
  if (fit.size() == 0) throw DataError("linear probes: no inputs to fit the probes on");
  LayerProbes out;
  out.options = options;
  out.fit_samples = fit.size();
  out.heldout_samples = heldout.size();
  out.layers.resize(sig.layers.size());
  if (sig.layers.empty()) return out;
  std::vector<LinearProbe> probes;
  for (const auto& l : sig.layers) probes.emplace_back(shape_size(l.shape), sig.num_classes(), options);
  const std::vector<int> slot = layer_slots(model, sig);
  const std::size_t bs = std::max<std::size_t>(1, options.batch_size);
  fit_statistics(model, slot, fit, bs, probes, replicas);
  EpochFigures last;
  for (std::size_t epoch = 0; epoch < options.epochs; ++epoch)
    last = train_epoch(model, slot, fit, probes, options, epoch, replicas);
  const std::vector<ProbeScore> scores = score_probes(model, slot, heldout, bs, probes, replicas);
  const auto n = static_cast<double>(fit.size());
  for (std::size_t p = 0; p < probes.size(); ++p) {
    out.layers[p].features = probes[p].features();
    out.layers[p].train_loss = last.loss[p] / n;
    out.layers[p].train_accuracy = last.hits[p] / n;
    out.layers[p].accuracy = scores[p].accuracy();
    out.layers[p].pair_accuracy = scores[p].pair_accuracy();
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace glassbox::explain
