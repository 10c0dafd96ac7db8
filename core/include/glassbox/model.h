#pragma once
// MyDeepLearning: the Keras-like model, sequential (Keras' Sequential) or a graph of
// layers (Keras' functional Model), in one class.
//
//   glassbox::MyDeepLearning model(registry);
//   model.add({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"activation", "relu"}});
//   model.add({{"type", "max_pool2d"}, {"pool_size", 2}});
//   model.add({{"type", "flatten"}});
//   model.add({{"type", "dense"}, {"units", 10}});
//   model.build({1, 28, 28});   // or implicitly by fit/predict
//   model.compile({{"type", "adam"}, {"learning_rate", 1e-3}}, "sparse_categorical_crossentropy", {"accuracy"});
//   History h = model.fit(train, FitOptions().epochs(3).batch_size(64).validation_split(0.1));
//   Evaluation ev = model.evaluate(test);
//   model.save("out/model");
//
// Layers come from the registry (plugins) or are added as objects.
//
// Graph models. A layer may name the layers it takes in "inputs" (the model's input is
// "input"; without "inputs" a layer takes the previous layer's output, so a model that
// never says "inputs" is the sequential one). Merge layers (add, concatenate, average:
// merge_layer.h) join branches. A residual block:
//
//   model.add({{"type", "conv2d"}, {"name", "stem"}, {"filters", 8}, {"kernel_size", 3}, {"padding", "same"}});
//   model.add({{"type", "conv2d"}, {"name", "branch"}, {"filters", 8}, {"kernel_size", 3}, {"padding", "same"}});
//   model.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"branch", "stem"}}});
//   model.add({{"type", "relu"}});  // takes "sum", the previous layer
//
// The last layer added is the model's output. build() resolves the names, orders the
// layers topologically (execution_order(); ties in the order they were added) and infers
// the shapes through the merges; it throws ConfigError naming the layer for an unknown
// input name, a cycle (listing it), a shape mismatch at a merge (both inputs and shapes),
// a layer other than a merge with several inputs, and an unused branch (a layer other
// than the last whose output no layer takes). Training sums the gradients where an output
// feeds several layers. A model whose layers all take the previous one runs the
// sequential loops, unchanged.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"
#include "glassbox/layer.h"
#include "glassbox/optimizer.h"
#include "glassbox/registry.h"

namespace glassbox {

class Callback;
class Loss;
class ReplicaGroup;

// One epoch's figures; val_* are NaN when there was no validation data.
struct EpochLog {
  int epoch = 0;  // 1-based
  double loss = 0, accuracy = 0;
  double val_loss = 0, val_accuracy = 0;
  bool has_validation = false;
  double seconds = 0;
  double learning_rate = 0;
};

struct History {
  std::vector<EpochLog> epochs;
  bool stopped_early = false;
  std::string stop_reason;
  nlohmann::json to_json() const;
};

struct Evaluation {
  double loss = 0, accuracy = 0;
  std::vector<std::vector<long>> confusion;  // [true][predicted]
  nlohmann::json to_json() const;
};

// Progress of fit, for callbacks, the terminal progress bar, the web page (SSE).
struct BatchLog {
  int epoch = 0;                 // 1-based
  std::size_t batch = 0;         // 1-based within the epoch
  std::size_t batches = 0;       // per epoch
  double loss = 0, accuracy = 0; // running means over the epoch so far
  double seconds = 0;            // since the epoch started
};

// Named, chainable options (libtorch style).
struct FitOptions {
  int epochs_ = 1;
  std::size_t batch_size_ = 32;
  bool shuffle_ = true;
  double validation_split_ = 0.0;  // taken from the last samples, as Keras does
  const LabeledData* validation_data_ = nullptr;
  int verbose_ = 1;                // 0 silent, 1 progress bar on a terminal, 2 one line per epoch
  std::vector<std::shared_ptr<Callback>> callbacks_;
  // Checked after every batch: when it becomes true, fit stops (another thread may set it,
  // e.g. the web server cancelling a run). The stop reason is "cancelled".
  const std::atomic<bool>* cancel_ = nullptr;
  // Data-parallel training (replica_group.h): every replica calls fit with the same data,
  // seed and options; each trains on its shard of every global batch (shard_of), the
  // gradients are summed over one flat buffer per step, so every replica takes the same
  // step. At each epoch end non-trainable parameters (batch-norm statistics) are averaged
  // and the trainable ones checked equal (Error otherwise). Loss and accuracy are those of
  // the global batches. Null: one process.
  ReplicaGroup* replicas_ = nullptr;

  FitOptions& epochs(int v) { epochs_ = v; return *this; }
  FitOptions& batch_size(std::size_t v) { batch_size_ = v; return *this; }
  FitOptions& shuffle(bool v) { shuffle_ = v; return *this; }
  FitOptions& validation_split(double v) { validation_split_ = v; return *this; }
  FitOptions& validation_data(const LabeledData& v) { validation_data_ = &v; return *this; }
  FitOptions& verbose(int v) { verbose_ = v; return *this; }
  FitOptions& callback(std::shared_ptr<Callback> c) { callbacks_.push_back(std::move(c)); return *this; }
  FitOptions& cancel(const std::atomic<bool>* flag) { cancel_ = flag; return *this; }
  FitOptions& replicas(ReplicaGroup* group) { replicas_ = group; return *this; }
};

// What a forward pass shows to an observer: layer i's input and output for the batch.
// The tensors are the layers' own buffers: valid during the call only, copy to keep.
// Called in execution order; a merge layer shows its first input.
using ActivationHook = std::function<void(std::size_t layer_index, const Layer& layer,
                                          const Tensor& input, const Tensor& output)>;

class MyDeepLearning {
 public:
  explicit MyDeepLearning(const Registry& registry, unsigned long long seed = 42);
  ~MyDeepLearning();
  MyDeepLearning(MyDeepLearning&&) noexcept;
  MyDeepLearning& operator=(MyDeepLearning&&) noexcept;

  // The name "inputs" lists for the model's input; no layer may take it.
  static constexpr const char* kInputName = "input";
  // What layer_inputs() gives for the model's input.
  static constexpr int kModelInput = -1;

  // Adds a layer from its JSON config ({"type": ..., options}, optionally "name" and
  // "inputs": [names], see Graph models above); names default to "<type>_<index>".
  // Returns the layer. Added to a built model, the layer is built at once (its inputs must
  // exist); the checks of a complete graph run at the next build().
  Layer& add(const nlohmann::json& layer_config);
  // `inputs`: names of the layers it takes (empty: the previous layer).
  Layer& add(std::unique_ptr<Layer> layer, std::vector<std::string> inputs = {});

  // Infers every layer's shapes from the per-sample input shape and allocates parameters.
  void build(const Shape& input_shape);
  bool built() const;
  const Shape& input_shape() const;
  const Shape& output_shape() const;

  void compile(const nlohmann::json& optimizer, const std::string& loss,
               const std::vector<std::string>& metrics = {"accuracy"});
  void compile(std::unique_ptr<Optimizer> optimizer, const std::string& loss,
               const std::vector<std::string>& metrics = {"accuracy"});
  Optimizer* optimizer();

  History fit(const LabeledData& train, const FitOptions& options);
  // Asks a running fit to stop after the current batch (for callbacks); the reason ends
  // up in History::stop_reason.
  void stop_training(const std::string& reason = "stopped");
  bool stop_requested() const;
  Evaluation evaluate(const LabeledData& data, std::size_t batch_size = 256);
  // Model outputs (after the last layer) for a batch.
  Tensor predict(const Tensor& x, std::size_t batch_size = 256);
  std::vector<int> predict_classes(const Tensor& x, std::size_t batch_size = 256);

  // One forward pass on a batch in inference mode, calling hook after each layer.
  // Returns the output (a copy).
  Tensor forward(const Tensor& x, const ActivationHook& hook = {});

  std::size_t size() const;  // number of layers
  Layer& layer(std::size_t index);
  const Layer& layer(std::size_t index) const;
  Layer& layer(const std::string& name);  // throws ConfigError naming the known layers
  std::size_t layer_index(const std::string& name) const;
  // Per-sample output shape of layer i.
  const Shape& layer_output_shape(std::size_t index) const;
  // Per-sample input shape of layer i (a merge: its first input's).
  const Shape& layer_input_shape(std::size_t index) const;

  // True when some layer's inputs are not the previous layer (see Graph models).
  bool is_graph() const;
  // requires: built. The layers whose outputs layer i takes, in its "inputs" order
  // (kModelInput for the model's input); for a sequential model {i - 1}.
  const std::vector<int>& layer_inputs(std::size_t index) const;
  // The same as names ("input" for the model's input); before build, as given.
  std::vector<std::string> layer_input_names(std::size_t index) const;
  // requires: built. Layer indices in the order a pass runs them (0, 1, ... sequentially).
  const std::vector<std::size_t>& execution_order() const;

  // All parameters in a fixed order (layer by layer).
  std::vector<ParamRef> params();
  std::vector<ConstParamRef> params() const;
  std::size_t param_count() const;
  std::vector<Tensor> get_weights();
  void set_weights(const std::vector<Tensor>& weights);  // checks count and shapes

  // Keras-like table: layer (type), output shape, params, and for a graph "Connected to"
  // (each layer's inputs); totals.
  std::string summary();

  // The architecture (+ training config) as JSON: {"input_shape", "layers": [...], "compile": {...}};
  // in a graph model every layer holds its "inputs".
  nlohmann::json config() const;
  // Writes DIR/model.json and DIR/<layer>.<param>.npy, atomically.
  void save(const std::string& dir);
  // Reads a model folder; checks names and shapes, errors name the file.
  static MyDeepLearning load(const std::string& dir, const Registry& registry);

  // The names of the output classes, when the model carries them (an imported ONNX model's
  // metadata; saved in model.json as "classes"); empty otherwise. set_class_names throws
  // ConfigError when the model is built and the count is not its output size.
  const std::vector<std::string>& class_names() const;
  void set_class_names(std::vector<std::string> names);

  const Registry& registry() const;
  Rng& rng();
  std::string loss_name() const;
  // The loss as fit computes it (from logits when a final softmax/sigmoid layer is fused
  // into it); null before compile.
  const Loss* loss() const;
  // True when fit/evaluate feed the input of a final softmax (sigmoid) layer to the loss.
  bool output_layer_fused() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

using Sequential = MyDeepLearning;

}  // namespace glassbox
