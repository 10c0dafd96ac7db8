// Data-parallel training: what fit does between replicas (replica_group.h). Every replica
// runs the same loop over the same global batches; these two steps keep them one model.
#include <algorithm>
#include <string>

#include "glassbox/error.h"
#include "glassbox/replica_group.h"
#include "model_impl.h"

namespace glassbox {

// The losses give the gradient of the mean over the rows they saw; the mean over the
// global batch is the sum of each replica's mean weighted by rows / n.
void MyDeepLearning::Impl::reduce_step(FitRun& run, std::size_t rows, std::size_t n, double& loss_sum,
                                       std::size_t& correct) {
  std::vector<float>& buf = run.reduce_buffer;
  std::size_t total = 2;
  for (const auto& p : *run.params) total += p.grad->size();
  buf.resize(total);
  const float weight = static_cast<float>(rows) / static_cast<float>(n);
  std::size_t at = 0;
  for (const auto& p : *run.params) {
    const float* g = p.grad->data();
    const std::size_t k = p.grad->size();
    if (rows == 0)
      std::fill(buf.begin() + at, buf.begin() + at + k, 0.0f);
    else
      for (std::size_t i = 0; i < k; ++i) buf[at + i] = g[i] * weight;
    at += k;
  }
  // A batch's loss sum and hit count ride along: one message per step.
  buf[at] = static_cast<float>(loss_sum);
  buf[at + 1] = static_cast<float>(correct);
  run.replicas->sum(buf.data(), buf.size());
  at = 0;
  for (const auto& p : *run.params) {
    std::copy(buf.begin() + at, buf.begin() + at + p.grad->size(), p.grad->data());
    at += p.grad->size();
  }
  loss_sum = buf[at];
  correct = static_cast<std::size_t>(buf[at + 1] + 0.5f);
}

void MyDeepLearning::Impl::synchronize_replicas(FitRun& run, int epoch) {
  ReplicaGroup& group = *run.replicas;
  // Batch statistics were gathered on each replica's shards: their mean stands for all.
  const float inv = 1.0f / static_cast<float>(group.size());
  std::uint64_t h = hash_floats(nullptr, 0);
  for (auto& l : layers)
    for (auto& p : l->params()) {
      if (p.trainable) {
        h = hash_floats(p.value->data(), p.value->size(), h);
        continue;
      }
      group.sum(p.value->data(), p.value->size());
      for (std::size_t i = 0; i < p.value->size(); ++i) p.value->data()[i] *= inv;
    }
  if (!group.same_everywhere(h))
    throw Error("data-parallel fit: the parameters of replica " + std::to_string(group.rank()) + " of " +
                std::to_string(group.size()) + " differ from the others' after epoch " + std::to_string(epoch) +
                " (the replicas must run the same experiment, seed and glassbox build)");
}

}  // namespace glassbox
