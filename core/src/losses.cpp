#include <algorithm>
#include <cmath>

#include "glassbox/softmax.h"
#include "glassbox/error.h"
#include "glassbox/loss.h"

namespace glassbox {

namespace {

// Keras clips probabilities to [eps, 1 - eps] before taking logarithms.
constexpr float kProbEpsilon = 1e-7f;

struct BatchView {
  std::size_t n = 0, k = 0;
};

BatchView view_of(const Tensor& output, const std::string& loss) {
  if (output.dimension() < 1 || output.shape()[0] == 0)
    throw Error(loss + ": empty batch of outputs");
  BatchView v;
  v.n = output.shape()[0];
  v.k = output.size() / v.n;
  return v;
}

void check_label(int label, std::size_t row, std::size_t classes, const std::string& loss) {
  if (label < 0 || static_cast<std::size_t>(label) >= classes)
    throw DataError(loss + ": label " + std::to_string(label) + " of batch sample " + std::to_string(row) +
                    " is outside 0.." + std::to_string(classes - 1) + " (the model has " +
                    std::to_string(classes) + " output classes)");
}

void prepare_grad(Tensor* grad, const Tensor& output) {
  if (grad && grad->shape() != output.shape()) grad->resize(output.shape());
}

// The dense target of label y for output unit j: one-hot, or y itself for one unit.
inline float target(int y, std::size_t j, std::size_t k) {
  return k == 1 ? static_cast<float>(y) : (static_cast<std::size_t>(y) == j ? 1.0f : 0.0f);
}

// Cross-entropy of a softmax over each row against the one-hot label. Sparse and
// categorical cross-entropy are the same function here because targets come from labels.
class CrossEntropy : public Loss {
 public:
  CrossEntropy(std::string name, bool from_logits) : Loss(from_logits), name_(std::move(name)) {}
  std::string name() const override { return name_; }

  double compute(const Tensor& output, const int* labels, Tensor* grad) const override {
    const BatchView v = view_of(output, name_);
    if (v.k < 2)
      throw ConfigError(name_ + " needs at least 2 output units per sample, the model has " + std::to_string(v.k) +
                        " (use binary_crossentropy for a single output)");
    prepare_grad(grad, output);
    const float inv_n = 1.0f / static_cast<float>(v.n);
    double total = 0;
    for (std::size_t i = 0; i < v.n; ++i) {
      const int y = labels[i];
      check_label(y, i, v.k, name_);
      const float* z = output.data() + i * v.k;
      float* g = grad ? grad->data() + i * v.k : nullptr;
      if (from_logits_) {
        const SoftmaxRow<double> s = softmax_row<double>(z, v.k);
        total += s.log_sum_exp() - z[y];
        if (g) {
          const double inv_sum = 1.0 / s.sum;
          for (std::size_t j = 0; j < v.k; ++j)
            g[j] = (static_cast<float>(s.shifted_exp(z[j]) * inv_sum) - (j == static_cast<std::size_t>(y) ? 1.0f : 0.0f)) * inv_n;
        }
      } else {
        const float p = std::clamp(z[y], kProbEpsilon, 1.0f - kProbEpsilon);
        total += -std::log(static_cast<double>(p));
        if (g) {
          std::fill(g, g + v.k, 0.0f);
          // Zero gradient where the clip is active, as for any clamp.
          if (z[y] > kProbEpsilon && z[y] < 1.0f - kProbEpsilon) g[y] = -inv_n / z[y];
        }
      }
    }
    return total;
  }

 private:
  std::string name_;
};

// The mean over each sample's K outputs of element(t, z, g), summed over the batch: the
// element's loss for target t and output z; it writes its gradient times `scale` into *g
// when g is not null. The shape of binary cross-entropy and mean squared error.
template <class Element>
double elementwise_total(const Tensor& output, const int* labels, Tensor* grad, const std::string& name,
                         float scale_numerator, Element element) {
  const BatchView v = view_of(output, name);
  prepare_grad(grad, output);
  const float scale = scale_numerator / static_cast<float>(v.n * v.k);
  double total = 0;
  for (std::size_t i = 0; i < v.n; ++i) {
    const int y = labels[i];
    check_label(y, i, output_classes(v.k), name);
    const float* z = output.data() + i * v.k;
    float* g = grad ? grad->data() + i * v.k : nullptr;
    double row = 0;
    for (std::size_t j = 0; j < v.k; ++j) row += element(target(y, j, v.k), z[j], g ? g + j : nullptr, scale);
    total += row / static_cast<double>(v.k);
  }
  return total;
}

// Element-wise binary cross-entropy, averaged over the K outputs of a sample (Keras).
class BinaryCrossEntropy : public Loss {
 public:
  explicit BinaryCrossEntropy(bool from_logits) : Loss(from_logits) {}
  std::string name() const override { return "binary_crossentropy"; }

  double compute(const Tensor& output, const int* labels, Tensor* grad) const override {
    return elementwise_total(output, labels, grad, name(), 1.0f, [this](float t, float z, float* g, float scale) {
      if (from_logits_) {
        // max(z,0) - z t + log(1 + exp(-|z|)): never exponentiates a large positive number.
        const double zj = z;
        if (g) {
          const double s = zj >= 0 ? 1.0 / (1.0 + std::exp(-zj)) : std::exp(zj) / (1.0 + std::exp(zj));
          *g = static_cast<float>(s - t) * scale;
        }
        return std::max(zj, 0.0) - zj * t + std::log1p(std::exp(-std::abs(zj)));
      }
      const float p = std::clamp(z, kProbEpsilon, 1.0f - kProbEpsilon);
      if (g) *g = (z > kProbEpsilon && z < 1.0f - kProbEpsilon) ? (p - t) / (p * (1 - p)) * scale : 0.0f;
      return -(t * std::log(static_cast<double>(p)) + (1 - t) * std::log(1.0 - p));
    });
  }
};

// Mean squared error against the one-hot label (or the label itself for one unit).
class MeanSquaredError : public Loss {
 public:
  MeanSquaredError() : Loss(true) {}
  std::string name() const override { return "mse"; }

  double compute(const Tensor& output, const int* labels, Tensor* grad) const override {
    return elementwise_total(output, labels, grad, name(), 2.0f, [](float t, float z, float* g, float scale) {
      const float d = z - t;
      if (g) *g = d * scale;
      return static_cast<double>(d) * d;
    });
  }
};

}  // namespace

std::vector<std::string> loss_names() {
  return {"sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy", "mse"};
}

bool is_known_loss(const std::string& name) {
  auto names = loss_names();
  return name == "mean_squared_error" || std::find(names.begin(), names.end(), name) != names.end();
}

std::unique_ptr<Loss> make_loss(const std::string& name, bool from_logits) {
  if (name == "sparse_categorical_crossentropy" || name == "categorical_crossentropy")
    return std::make_unique<CrossEntropy>(name, from_logits);
  if (name == "binary_crossentropy") return std::make_unique<BinaryCrossEntropy>(from_logits);
  if (name == "mse" || name == "mean_squared_error") return std::make_unique<MeanSquaredError>();
  std::string known;
  for (const auto& n : loss_names()) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown loss '" + name + "' (known: " + known + ")");
}

std::string fusable_output_layer(const std::string& loss_name) {
  if (loss_name == "sparse_categorical_crossentropy" || loss_name == "categorical_crossentropy") return "softmax";
  if (loss_name == "binary_crossentropy") return "sigmoid";
  return "";
}

std::size_t output_classes(std::size_t k) { return k == 1 ? 2 : k; }

int predicted_class(const float* row, std::size_t k, bool from_logits) {
  if (k == 1) return row[0] > (from_logits ? 0.0f : 0.5f) ? 1 : 0;
  return static_cast<int>(std::max_element(row, row + k) - row);
}

std::size_t count_correct(const Tensor& output, const int* labels, bool from_logits) {
  const std::size_t n = output.shape()[0];
  const std::size_t k = n ? output.size() / n : 0;
  std::size_t correct = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (predicted_class(output.data() + i * k, k, from_logits) == labels[i]) ++correct;
  return correct;
}

}  // namespace glassbox
