#pragma once
// Linear probes (linear_probe.h) on every layer recorded in a set of signatures, fitted on
// the fit data and scored on held-out inputs, all layers at once: each pass streams the
// data through model.forward and hands each recorded layer's batch output (flattened: a
// conv layer's C*H*W values, not its channel means) to that layer's probe. Passes over the
// fit data: one for the standardization statistics, then `epochs` training passes in a
// seeded shuffled order; one pass over the held-out data scores them. Nothing per sample
// is kept.
#include <vector>

#include "glassbox/dataset.h"
#include "glassbox/explain/linear_probe.h"
#include "glassbox/explain/signature.h"
#include "glassbox/model.h"
#include "glassbox/replica_group.h"

namespace glassbox::explain {

struct LayerProbeResult {
  std::size_t features = 0;       // flattened activations the probe reads
  double accuracy = 0;            // held-out, all classes
  std::vector<std::vector<double>> pair_accuracy;  // held-out, classes x classes
  double train_loss = 0;          // mean cross-entropy over the last training epoch
  double train_accuracy = 0;      // over the last training epoch, before each step
};

struct LayerProbes {
  LinearProbeOptions options;
  std::vector<LayerProbeResult> layers;  // parallel to Signatures::layers
  std::size_t fit_samples = 0, heldout_samples = 0;
  double seconds = 0;
};

// `fit` and `heldout` carry labels 0..k-1 of the signatures' k classes.
// With replicas (every replica calls it alike, with the same model and data): the
// statistics and scoring passes stream each replica's contiguous shard and add the sums
// up; in training every replica takes its shard (shard_of) of each minibatch of the common
// seeded order, and the gradients of all layers' probes (with the batch's losses and hits)
// are summed over one flat buffer before the same Adam step everywhere. Every replica
// returns the same probes' figures, equal to one process's up to the order of float sums.
LayerProbes fit_layer_probes(MyDeepLearning& model, const Signatures& signatures, const LabeledData& fit,
                             const LabeledData& heldout, const LinearProbeOptions& options = {},
                             ReplicaGroup* replicas = nullptr);

}  // namespace glassbox::explain
