#include "glassbox/softmax.h"
#include "glassbox/explain/linear_probe.h"

#include <algorithm>
#include <cmath>

#include "glassbox/error.h"

namespace glassbox::explain {

namespace {
constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
}  // namespace

LinearProbe::LinearProbe(std::size_t features, std::size_t classes, const LinearProbeOptions& options)
    : d_(features), k_(classes), o_(options) {
  if (d_ == 0 || k_ < 2) throw Error("linear probe: needs at least one feature and two classes");
  if (o_.batch_size == 0 || o_.epochs == 0) throw Error("linear probe: epochs and batch_size must be at least 1");
  sum_.assign(d_, 0.0);
  sum2_.assign(d_, 0.0);
  mean_.assign(d_, 0.0f);
  inv_std_.assign(d_, 1.0f);
  // Zero weights: the loss is convex, so the start only matters for speed, and zero keeps
  // the fit reproducible without a random initializer.
  w_.assign(k_ * d_, 0.0f);
  mw_ = vw_ = w_;
  b_.assign(k_, 0.0f);
  mb_ = vb_ = b_;
}

void LinearProbe::add_statistics(const float* x, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const float* r = x + i * d_;
    for (std::size_t j = 0; j < d_; ++j) {
      sum_[j] += r[j];
      sum2_[j] += static_cast<double>(r[j]) * r[j];
    }
  }
  count_ += static_cast<std::int64_t>(n);
}

void LinearProbe::finish_statistics() {
  if (count_ == 0) return;
  const auto n = static_cast<double>(count_);
  for (std::size_t j = 0; j < d_; ++j) {
    const double m = sum_[j] / n;
    const double var = std::max(0.0, sum2_[j] / n - m * m);
    mean_[j] = static_cast<float>(m);
    // Below this the feature is constant up to rounding: centring alone keeps it at ~0.
    inv_std_[j] = var > 1e-12 ? static_cast<float>(1.0 / std::sqrt(var)) : 1.0f;
  }
}

void LinearProbe::standardize(const float* x, std::size_t n, std::vector<float>& out) const {
  out.resize(n * d_);
  for (std::size_t i = 0; i < n; ++i) {
    const float* r = x + i * d_;
    float* o = out.data() + i * d_;
    for (std::size_t j = 0; j < d_; ++j) o[j] = (r[j] - mean_[j]) * inv_std_[j];
  }
}

void LinearProbe::logits(const float* x, std::size_t n, float* out) const {
  standardize(x, n, xs_);
  for (std::size_t i = 0; i < n; ++i) {
    const float* r = xs_.data() + i * d_;
    for (std::size_t c = 0; c < k_; ++c) {
      const float* w = w_.data() + c * d_;
      float s = 0;
      for (std::size_t j = 0; j < d_; ++j) s += r[j] * w[j];
      out[i * k_ + c] = s + b_[c];
    }
  }
}

double LinearProbe::train_step(const float* x, const int* labels, std::size_t n) {
  if (n == 0) return 0.0;
  z_.resize(n * k_);
  logits(x, n, z_.data());  // leaves the standardized rows in xs_
  // z_ becomes G = (softmax - onehot) / n, the gradient of the mean loss w.r.t. the logits.
  double loss = 0;
  for (std::size_t i = 0; i < n; ++i) {
    float* z = z_.data() + i * k_;
    const auto y = static_cast<std::size_t>(labels[i]);
    if (labels[i] < 0 || y >= k_) throw Error("linear probe: label " + std::to_string(labels[i]) + " outside 0.." + std::to_string(k_ - 1));
    const SoftmaxRow<double> s = softmax_row<double>(z, k_);
    loss += std::log(s.sum) - (z[y] - s.max);
    for (std::size_t c = 0; c < k_; ++c)
      z[c] = static_cast<float>((s.probability(z[c]) - (c == y ? 1.0 : 0.0)) / static_cast<double>(n));
  }
  ++steps_;
  const double lr = o_.learning_rate * std::sqrt(1.0 - std::pow(kBeta2, static_cast<double>(steps_))) /
                    (1.0 - std::pow(kBeta1, static_cast<double>(steps_)));
  std::vector<float> grad(d_);
  for (std::size_t c = 0; c < k_; ++c) {
    float* w = w_.data() + c * d_;
    for (std::size_t j = 0; j < d_; ++j) grad[j] = static_cast<float>(o_.l2) * w[j];
    double gb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const float g = z_[i * k_ + c];
      gb += g;
      const float* r = xs_.data() + i * d_;
      for (std::size_t j = 0; j < d_; ++j) grad[j] += g * r[j];
    }
    float* m = mw_.data() + c * d_;
    float* v = vw_.data() + c * d_;
    for (std::size_t j = 0; j < d_; ++j) {
      m[j] = static_cast<float>(kBeta1 * m[j] + (1 - kBeta1) * grad[j]);
      v[j] = static_cast<float>(kBeta2 * v[j] + (1 - kBeta2) * grad[j] * grad[j]);
      w[j] -= static_cast<float>(lr * m[j] / (std::sqrt(static_cast<double>(v[j])) + kEps));
    }
    mb_[c] = static_cast<float>(kBeta1 * mb_[c] + (1 - kBeta1) * gb);
    vb_[c] = static_cast<float>(kBeta2 * vb_[c] + (1 - kBeta2) * gb * gb);
    b_[c] -= static_cast<float>(lr * mb_[c] / (std::sqrt(static_cast<double>(vb_[c])) + kEps));
  }
  return loss / static_cast<double>(n);
}

ProbeScore::ProbeScore(std::size_t classes)
    : k_(classes), pair_correct_(classes * classes, 0.0), pair_count_(classes * classes, 0) {}

void ProbeScore::add(const float* logits, const int* labels, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= k_) continue;
    const auto y = static_cast<std::size_t>(labels[i]);
    const float* z = logits + i * k_;
    const float best = *std::max_element(z, z + k_);
    const auto tied = static_cast<std::size_t>(std::count(z, z + k_, best));
    correct_ += z[y] == best ? 1.0 / static_cast<double>(tied) : 0.0;
    ++count_;
    for (std::size_t o = 0; o < k_; ++o) {
      if (o == y) continue;
      pair_correct_[y * k_ + o] += z[y] > z[o] ? 1.0 : z[y] == z[o] ? 0.5 : 0.0;
      ++pair_count_[y * k_ + o];
    }
  }
}

double ProbeScore::accuracy() const { return count_ ? correct_ / static_cast<double>(count_) : 0.0; }

std::vector<std::vector<double>> ProbeScore::pair_accuracy() const {
  std::vector<std::vector<double>> a(k_, std::vector<double>(k_, 1.0));
  for (std::size_t x = 0; x < k_; ++x)
    for (std::size_t y = 0; y < k_; ++y) {
      if (x == y) continue;
      const auto n = static_cast<double>(pair_count_[x * k_ + y] + pair_count_[y * k_ + x]);
      a[x][y] = n > 0 ? (pair_correct_[x * k_ + y] + pair_correct_[y * k_ + x]) / n : 0.0;
    }
  return a;
}

}  // namespace glassbox::explain
