#pragma once
// The memory a model needs to train, estimated from its shapes before any batch is
// allocated, and the one limit it is checked against. `glassbox run` (after building the
// model) and the web server (when an experiment is submitted, experiment_resources.h) call
// the same check_training_memory, so a model too large for the machine is refused at once
// with a message naming the layer or key and the size, never with bad_alloc minutes later.
//
//   parameters:  every parameter tensor and its gradient (float32). They are also counted
//                while the layers are built: MyDeepLearning::build opens a ParameterBudget
//                (shape_check.h) and each layer's check_parameter_budget() draws from it
//                before allocating, so the layer that would take the model over the limit
//                is refused before its allocation;
//   activations: per layer and per sample of a batch, its output and the gradient of its
//                input (float32), times the training batch size.
// Layers' scratch buffers (a convolution's im2col columns) and an optimizer's state are not
// counted: the estimate is a lower bound of what training takes.
#include <cstddef>
#include <string>
#include <vector>

namespace glassbox {

class MyDeepLearning;

// The limit: 2 GiB, or GLASSBOX_MAX_MODEL_BYTES (a byte count) when that is set to one.
std::size_t max_model_bytes();

// A size for messages: "1000 bytes", "12.5 MiB", "2.0 GiB".
std::string bytes_text(double bytes);

struct LayerMemory {
  std::size_t index = 0;
  std::string name, type;
  double param_bytes = 0;       // parameters and their gradients
  double activation_bytes = 0;  // output and input gradient for one batch
};

struct ModelMemory {
  std::vector<LayerMemory> layers;
  std::size_t batch_size = 0;
  double param_bytes = 0, activation_bytes = 0;
  double total() const { return param_bytes + activation_bytes; }
};

// requires: model is built; batch_size >= 1.
ModelMemory estimate_training_memory(const MyDeepLearning& model, std::size_t batch_size);

// Throws ConfigError "<source>: ..." when the estimate exceeds max_model_bytes(): naming
// model.layers.<i> (its name and type) and the parameter size when the parameters alone do,
// otherwise train.batch_size, the total, and the layer with the largest activations.
void check_training_memory(const MyDeepLearning& model, std::size_t batch_size, const std::string& source);

}  // namespace glassbox
