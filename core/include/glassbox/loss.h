#pragma once
// Losses compare a batch of model outputs (N, K) with integer class labels (N).
//
// LabeledData carries class ids only, so the dense targets that categorical, binary and
// squared-error losses need are the one-hot vectors of those ids (or, for a model with a
// single output unit, the id itself: 0 or 1).
//
// `from_logits`: the outputs are raw scores (logits). The model sets it when its last
// layer is not a softmax/sigmoid, and also when that last layer IS a separate softmax
// (sigmoid for binary cross-entropy) layer: the model then feeds the layer's input to
// the loss, which is the numerically stable form (log-sum-exp) and has the simple
// gradient softmax(z) - onehot(y).
#include <memory>
#include <string>
#include <vector>

#include "glassbox/tensor.h"

namespace glassbox {

class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;
  bool from_logits() const { return from_logits_; }

  // Returns the SUM over the batch of the per-sample losses (callers average). When grad is
  // not null, writes into it (resized to output's shape) the gradient of the MEAN loss
  // with respect to output. Throws DataError for a label outside the output's range.
  virtual double compute(const Tensor& output, const int* labels, Tensor* grad) const = 0;

 protected:
  explicit Loss(bool from_logits) : from_logits_(from_logits) {}
  bool from_logits_;
};

// "sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
// "mse" (alias "mean_squared_error"). Throws ConfigError naming the known ones.
std::unique_ptr<Loss> make_loss(const std::string& name, bool from_logits = true);
std::vector<std::string> loss_names();
bool is_known_loss(const std::string& name);
// The losses whose probability form the model can fuse with a final softmax layer
// ("softmax") or sigmoid layer ("sigmoid"); "" for none (mse).
std::string fusable_output_layer(const std::string& loss_name);

// The predicted class of one output row of k values: argmax, or for a single output unit
// 1 when it is above 0 (logits) / 0.5 (probabilities).
int predicted_class(const float* row, std::size_t k, bool from_logits);
// Number of rows of output whose predicted class equals the label.
std::size_t count_correct(const Tensor& output, const int* labels, bool from_logits);
// Classes the output can name: k, or 2 for a single output unit.
std::size_t output_classes(std::size_t k);

}  // namespace glassbox
