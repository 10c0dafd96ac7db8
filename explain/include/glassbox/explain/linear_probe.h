#pragma once
// Linear probes (Alain & Bengio 2016, "Understanding intermediate layers using linear
// classifier probes"): a multinomial logistic regression fitted on a layer's FULL flattened
// activations, to ask how linearly decodable the classes are at that layer.
//
// The probe is trained by minibatch Adam on features standardized with the training
// set's per-feature mean and standard deviation (one statistics pass first), with a small
// L2 penalty. Everything streams: a batch of activations is seen once per epoch and
// dropped, so memory is O(features * classes), never O(samples * features).
//
// Scoring (ProbeScore) counts, per pair of classes (a, b), how often an input of a or b
// has the higher logit for its own class of the two: the multinomial probe restricted to
// that pair. Ties count half.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace glassbox::explain {

struct LinearProbeOptions {
  std::size_t epochs = 4;        // training passes over the fit data
  std::size_t batch_size = 128;  // minibatch of one Adam step
  double learning_rate = 0.01;   // Adam step size (on standardized features)
  double l2 = 1e-4;              // penalty l2/2 * |W|^2 per sample, added to the mean loss
  std::uint64_t seed = 1;        // order of the minibatches
};

class LinearProbe {
 public:
  LinearProbe(std::size_t features, std::size_t classes, const LinearProbeOptions& options = {});

  std::size_t features() const { return d_; }
  std::size_t classes() const { return k_; }

  // Statistics pass: rows of `features` floats, n of them. Call before finish_statistics().
  void add_statistics(const float* x, std::size_t n);
  // The statistics gathered so far as one buffer (the row count, then per feature the sum
  // and the sum of squares), and its replacement: replicas that each saw a part of the fit
  // data add their buffers up and set the sum before finish_statistics().
  std::vector<double> statistics() const;
  void set_statistics(const std::vector<double>& buffer);
  // Fixes the standardization (a constant feature is only centred). Without any
  // statistics the features are used as they are.
  void finish_statistics();

  // One Adam step on n rows with labels in 0..classes-1: gradient() then apply_gradient().
  // Returns the mean cross-entropy of the batch before the step (without the penalty).
  double train_step(const float* x, const int* labels, std::size_t n);

  // The training step in two halves, so that replicas holding parts of one batch can add
  // their gradients up before a common update.
  // gradient: n of the batch's `batch` rows (n <= batch) into `grad` (gradient_size()
  // floats, overwritten: classes x features weights, then the classes biases), as their
  // share of the gradient of the batch's mean loss, plus the penalty's gradient when
  // `with_penalty`. The sum over disjoint parts of a batch, exactly one of them with the
  // penalty, is the whole batch's gradient (up to the order of float sums). Returns the
  // summed cross-entropy of the n rows.
  double gradient(const float* x, const int* labels, std::size_t n, std::size_t batch, bool with_penalty,
                  float* grad) const;
  // One Adam step along `grad` (as gradient() lays it out).
  void apply_gradient(const float* grad);
  std::size_t gradient_size() const { return k_ * d_ + k_; }

  // Logits of n rows into out (n * classes).
  void logits(const float* x, std::size_t n, float* out) const;

 private:
  void standardize(const float* x, std::size_t n, std::vector<float>& out) const;

  std::size_t d_, k_;
  LinearProbeOptions o_;
  std::vector<double> sum_, sum2_;
  std::int64_t count_ = 0;
  std::vector<float> mean_, inv_std_;
  std::vector<float> w_, b_, mw_, vw_, mb_, vb_;  // w_: classes x features
  std::int64_t steps_ = 0;
  mutable std::vector<float> xs_, z_;
  std::vector<float> grad_;
};

// Accuracy of a probe's logits: overall (argmax, ties count 1/t) and per pair of classes.
class ProbeScore {
 public:
  explicit ProbeScore(std::size_t classes);
  void add(const float* logits, const int* labels, std::size_t n);
  double accuracy() const;
  // The counts as one buffer, and their replacement: replicas that scored parts of the
  // held-out data add their buffers up and set the sum.
  std::vector<double> tallies() const;
  void set_tallies(const std::vector<double>& buffer);
  // classes x classes, diagonal 1; entry (a, b) = (a, b) entry of the pairwise decision.
  std::vector<std::vector<double>> pair_accuracy() const;
  std::int64_t count() const { return count_; }

 private:
  std::size_t k_;
  double correct_ = 0;
  std::int64_t count_ = 0;
  std::vector<double> pair_correct_;        // k x k: inputs of a won against b
  std::vector<std::int64_t> pair_count_;    // k x k
};

}  // namespace glassbox::explain
