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
  grad_.resize(gradient_size());
  const double loss = gradient(x, labels, n, n, true, grad_.data());
  apply_gradient(grad_.data());
  return loss / static_cast<double>(n);
}

double LinearProbe::gradient(const float* x, const int* labels, std::size_t n, std::size_t batch, bool with_penalty,
                             float* grad) const {
  if (n > batch) throw Error("linear probe: " + std::to_string(n) + " rows of a batch of " + std::to_string(batch));
  z_.resize(n * k_);
  logits(x, n, z_.data());  // leaves the standardized rows in xs_
  // z_ becomes G = (softmax - onehot) / batch, the rows' share of the gradient of the mean
  // loss w.r.t. the logits.
  double loss = 0;
  for (std::size_t i = 0; i < n; ++i) {
    float* z = z_.data() + i * k_;
    const auto y = static_cast<std::size_t>(labels[i]);
    if (labels[i] < 0 || y >= k_) throw Error("linear probe: label " + std::to_string(labels[i]) + " outside 0.." + std::to_string(k_ - 1));
    const SoftmaxRow<double> s = softmax_row<double>(z, k_);
    loss += std::log(s.sum) - (z[y] - s.max);
    for (std::size_t c = 0; c < k_; ++c)
      z[c] = static_cast<float>((s.probability(z[c]) - (c == y ? 1.0 : 0.0)) / static_cast<double>(batch));
  }
  const float l2 = with_penalty ? static_cast<float>(o_.l2) : 0.0f;
  for (std::size_t c = 0; c < k_; ++c) {
    const float* w = w_.data() + c * d_;
    float* g = grad + c * d_;
    for (std::size_t j = 0; j < d_; ++j) g[j] = l2 * w[j];
    double gb = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const float gi = z_[i * k_ + c];
      gb += gi;
      const float* r = xs_.data() + i * d_;
      for (std::size_t j = 0; j < d_; ++j) g[j] += gi * r[j];
    }
    grad[k_ * d_ + c] = static_cast<float>(gb);
  }
  return loss;
}

void LinearProbe::apply_gradient(const float* grad) {
  ++steps_;
  const double lr = o_.learning_rate * std::sqrt(1.0 - std::pow(kBeta2, static_cast<double>(steps_))) /
                    (1.0 - std::pow(kBeta1, static_cast<double>(steps_)));
  auto adam = [&](float& p, float& m, float& v, double g) {
    m = static_cast<float>(kBeta1 * m + (1 - kBeta1) * g);
    v = static_cast<float>(kBeta2 * v + (1 - kBeta2) * g * g);
    p -= static_cast<float>(lr * m / (std::sqrt(static_cast<double>(v)) + kEps));
  };
  for (std::size_t i = 0; i < k_ * d_; ++i) adam(w_[i], mw_[i], vw_[i], grad[i]);
  for (std::size_t c = 0; c < k_; ++c) adam(b_[c], mb_[c], vb_[c], grad[k_ * d_ + c]);
}

std::vector<double> LinearProbe::statistics() const {
  std::vector<double> buffer{static_cast<double>(count_)};
  buffer.insert(buffer.end(), sum_.begin(), sum_.end());
  buffer.insert(buffer.end(), sum2_.begin(), sum2_.end());
  return buffer;
}

void LinearProbe::set_statistics(const std::vector<double>& buffer) {
  if (buffer.size() != 1 + 2 * d_) throw Error("linear probe: a statistics buffer of " + std::to_string(buffer.size()) +
                                              " values for " + std::to_string(d_) + " features");
  count_ = static_cast<std::int64_t>(buffer[0] + 0.5);
  std::copy(buffer.begin() + 1, buffer.begin() + 1 + static_cast<std::ptrdiff_t>(d_), sum_.begin());
  std::copy(buffer.begin() + 1 + static_cast<std::ptrdiff_t>(d_), buffer.end(), sum2_.begin());
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

std::vector<double> ProbeScore::tallies() const {
  std::vector<double> buffer{correct_, static_cast<double>(count_)};
  buffer.insert(buffer.end(), pair_correct_.begin(), pair_correct_.end());
  for (std::int64_t c : pair_count_) buffer.push_back(static_cast<double>(c));
  return buffer;
}

void ProbeScore::set_tallies(const std::vector<double>& buffer) {
  if (buffer.size() != 2 + 2 * k_ * k_) throw Error("probe score: a tally buffer of " + std::to_string(buffer.size()) +
                                                   " values for " + std::to_string(k_) + " classes");
  correct_ = buffer[0];
  count_ = static_cast<std::int64_t>(buffer[1] + 0.5);
  std::copy(buffer.begin() + 2, buffer.begin() + 2 + static_cast<std::ptrdiff_t>(k_ * k_), pair_correct_.begin());
  for (std::size_t i = 0; i < k_ * k_; ++i) pair_count_[i] = static_cast<std::int64_t>(buffer[2 + k_ * k_ + i] + 0.5);
}

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
