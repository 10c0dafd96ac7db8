#pragma once
// The private state of MyDeepLearning, shared by model.cpp, model_io.cpp, model_summary.cpp.
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "glassbox/loss.h"
#include "glassbox/model.h"

namespace glassbox {

struct MyDeepLearning::Impl {
  Impl(const Registry& r, unsigned long long s) : registry(&r), seed(s), rng(s) {}

  const Registry* registry;
  unsigned long long seed;
  Rng rng;

  std::vector<std::unique_ptr<Layer>> layers;
  std::map<std::string, int> type_counters;  // for default names
  bool built = false;
  Shape input_shape;
  std::vector<Shape> in_shapes, out_shapes;  // per layer, per sample

  bool compiled = false;
  std::unique_ptr<Optimizer> optimizer;
  std::string loss_name;
  std::vector<std::string> metrics;
  // Decided lazily once layers and loss are known (prepare_loss).
  mutable std::unique_ptr<Loss> loss;
  mutable bool fused = false;

  std::vector<ParamRef> trainable;  // cached for the optimizer; cleared when layers change
  std::atomic<bool> stop{false};
  std::string stop_reason;

  // Reused batch buffers of fit.
  std::size_t batch_rows = 0;
  Tensor batch_full, batch_tail, loss_grad;

  void build_layer(std::size_t i, const Shape& in);
  int find_layer(const std::string& name) const;
  void invalidate_training_state();
  void prepare_loss() const;
  std::size_t loss_layer_count() const;
  void require_compiled(const char* what) const;
  void check_data(const LabeledData& data, const std::string& what);
  void check_classes(const LabeledData& data, const std::string& what);
  const Tensor& run_forward(const Tensor& x, std::size_t count, Mode mode);
  Tensor& input_buffer(std::size_t n);
  std::vector<ParamRef>& trainable_params();
  void shuffle(std::vector<std::size_t>& idx);
};

}  // namespace glassbox
