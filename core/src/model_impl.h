#pragma once
// The private state of MyDeepLearning, shared by model.cpp, model_graph.cpp, model_io.cpp,
// model_summary.cpp.
#include <atomic>
#include <chrono>
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
  std::vector<std::string> class_names;  // optional: the output classes' names (model.json "classes")
  std::vector<Shape> in_shapes, out_shapes;  // per layer, per sample (a merge: its first input)

  // The graph (model_graph.cpp). input_names[i]: the "inputs" given for layer i, empty for
  // the default (the previous layer). graph: some layer's inputs differ from the default;
  // otherwise every pass runs the sequential loops, exactly as a model without names does.
  std::vector<std::vector<std::string>> input_names;
  bool graph = false;
  // Resolved by resolve_graph: inputs[i] are layer indices (kModelInput: the model's
  // input), order the execution order, fan_out[i] how many inputs name layer i.
  std::vector<std::vector<int>> inputs;
  std::vector<std::size_t> order, fan_out;
  // Per pass: each layer's output and the gradient of its output (summed over consumers).
  std::vector<const Tensor*> outputs, grad_of, merge_inputs;
  std::vector<std::size_t> grads_received;
  std::vector<Tensor> grad_sums;

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

  // One fit call's fixed parts, shared by its epochs.
  struct FitRun {
    const LabeledData* train = nullptr;
    std::size_t n_train = 0, batch_size = 0, batches = 0;
    std::vector<std::size_t> order;  // sample order of the epoch (shuffled)
    std::vector<int> labels;         // the batch's labels
    std::vector<std::shared_ptr<Callback>> callbacks;
    const std::atomic<bool>* cancel = nullptr;
    std::vector<ParamRef>* params = nullptr;
    ReplicaGroup* replicas = nullptr;  // null or of size 1: one process
    std::vector<float> reduce_buffer;  // the gradients of one step and its loss and hits
  };
  void check_fit_options(const FitOptions& options) const;
  const LabeledData* validation_set(const LabeledData& train, const FitOptions& options, FitRun& run,
                                    LabeledData& split);
  bool train_epoch(MyDeepLearning& self, FitRun& run, EpochLog& log, std::chrono::steady_clock::time_point t0);
  // data_parallel.cpp. Sums the step's gradients (each replica's weighted by its rows of
  // the global batch of n) and its loss sum and hits over the replicas; a replica without
  // rows adds zeros.
  void reduce_step(FitRun& run, std::size_t rows, std::size_t n, double& loss_sum, std::size_t& correct);
  // Averages the non-trainable parameters, then throws Error when the trainable ones
  // differ between replicas.
  void synchronize_replicas(FitRun& run, int epoch);

  // Reused batch buffers of fit.
  std::size_t batch_rows = 0;
  Tensor batch_full, batch_tail, loss_grad;

  void build_layer(std::size_t i, const Shape& in);
  bool default_inputs(std::size_t i) const;
  void resolve_graph(bool complete);
  void build_node(std::size_t i);
  void build_graph();
  const Tensor& graph_forward(const Tensor& x, std::size_t count, Mode mode, const ActivationHook* hook);
  void graph_backward(const Tensor& grad, std::size_t count);
  void deliver_gradient(int node, const Tensor& grad);
  std::size_t loss_node() const;
  int find_layer(const std::string& name) const;
  void invalidate_training_state();
  void prepare_loss() const;
  std::size_t loss_layer_count() const;
  void require_compiled(const char* what) const;
  void check_data(const LabeledData& data, const std::string& what);
  void check_classes(const LabeledData& data, const std::string& what);
  const Tensor& run_forward(const Tensor& x, std::size_t count, Mode mode);
  void run_backward(const Tensor& grad, std::size_t count);
  Tensor& input_buffer(std::size_t n);
  std::vector<ParamRef>& trainable_params();
  void shuffle(std::vector<std::size_t>& idx);
};

}  // namespace glassbox
