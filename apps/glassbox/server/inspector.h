#pragma once
// Looks inside one trained run for the page: a forward pass on one input (a test image,
// an unseen-class image, or pixels drawn on the page) with every layer's activations,
// the relevance heatmaps per output class when the explain library is asked for them,
// the test images themselves, and one neuron's behaviour over the test set.
// A run's model and data are loaded on first use and kept (a few runs at a time).
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/registry.h"
#include "run_store.h"

namespace glassbox::server {

class Inspector {
 public:
  Inspector(const Registry& registry, const RunStore& runs, std::size_t cached_runs = 3);
  ~Inspector();

  // POST /api/runs/{id}/inspect. Request: {"split": "test"|"unseen", "index": N} or
  // {"pixels": [H*W numbers in 0..1]}, optional "relevance": {"composite": "...",
  // "targets": "all"|"predicted"|[classes]}. Answer: a TensorPack body.
  std::string inspect(const std::string& run_id, const nlohmann::json& request);
  // GET /api/runs/{id}/samples: images of a split, by offset/count or by indices.
  std::string samples(const std::string& run_id, const std::string& split, std::size_t offset,
                      std::size_t count, const std::vector<std::size_t>& indices);
  // POST /api/runs/{id}/neuron {"layer": L, "unit": U, "limit": N, "top": K} (L: a layer's
  // name or model index): per-class
  // firing rate and mean activation (conv channels by their spatial maximum) and the
  // top-activating inputs of each split.
  nlohmann::json neuron(const std::string& run_id, const nlohmann::json& request);
  // What the explain library offers (composites), for the page's selects.
  static nlohmann::json relevance_methods();

  void forget(const std::string& run_id);

 private:
  struct LoadedRun;
  std::shared_ptr<LoadedRun> load(const std::string& run_id);

  const Registry& registry_;
  const RunStore& runs_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::list<std::pair<std::string, std::shared_ptr<LoadedRun>>> cache_;  // most recent first
};

}  // namespace glassbox::server
