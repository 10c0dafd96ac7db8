#include "glassbox/explain/mahalanobis.h"

#include <cmath>
#include <limits>
#include <string>

#include "glassbox/error.h"

namespace glassbox::explain {

SharedCovariance::SharedCovariance(std::size_t features, std::size_t classes, std::size_t max_full_dim)
    : d_(features), k_(classes), full_(features <= max_full_dim) {
  shift_.assign(d_, 0.0);
  scatter_.assign(full_ ? d_ * d_ : d_, 0.0);
  class_sum_.assign(k_ * d_, 0.0);
  class_n_.assign(k_, 0);
}

void SharedCovariance::add(const float* x, int c) {
  if (c < 0 || static_cast<std::size_t>(c) >= k_)
    throw Error("SharedCovariance: class " + std::to_string(c) + " out of range 0.." + std::to_string(k_));
  if (!shifted_) {
    for (std::size_t j = 0; j < d_; ++j) shift_[j] = x[j];
    shifted_ = true;
  }
  thread_local std::vector<double> v;
  v.resize(d_);
  for (std::size_t j = 0; j < d_; ++j) v[j] = static_cast<double>(x[j]) - shift_[j];
  double* cs = &class_sum_[static_cast<std::size_t>(c) * d_];
  for (std::size_t j = 0; j < d_; ++j) cs[j] += v[j];
  if (full_) {
    for (std::size_t i = 0; i < d_; ++i) {
      const double vi = v[i];
      if (vi == 0.0) continue;  // ReLU layers: many zeros, skip their rows
      double* row = &scatter_[i * d_];
      for (std::size_t j = i; j < d_; ++j) row[j] += vi * v[j];
    }
  } else {
    for (std::size_t j = 0; j < d_; ++j) scatter_[j] += v[j] * v[j];
  }
  ++class_n_[static_cast<std::size_t>(c)];
  ++n_;
}

std::vector<double> SharedCovariance::class_mean(int c) const {
  std::vector<double> m(d_, 0.0);
  const auto n = class_n_[static_cast<std::size_t>(c)];
  if (n == 0) return m;
  const double* cs = &class_sum_[static_cast<std::size_t>(c) * d_];
  for (std::size_t j = 0; j < d_; ++j) m[j] = shift_[j] + cs[j] / static_cast<double>(n);
  return m;
}

std::vector<double> SharedCovariance::covariance() const {
  // Within-class scatter about the class means = total scatter about the shift minus
  // sum_c n_c (mu_c - s)(mu_c - s)^T.
  std::vector<double> s = scatter_;
  std::size_t used = 0;
  for (std::size_t c = 0; c < k_; ++c) {
    const auto n = class_n_[c];
    if (n == 0) continue;
    ++used;
    const double* cs = &class_sum_[c * d_];
    const double inv = 1.0 / static_cast<double>(n);
    if (full_) {
      for (std::size_t i = 0; i < d_; ++i)
        for (std::size_t j = i; j < d_; ++j) s[i * d_ + j] -= cs[i] * cs[j] * inv;
    } else {
      for (std::size_t j = 0; j < d_; ++j) s[j] -= cs[j] * cs[j] * inv;
    }
  }
  const double dof = std::max<double>(1.0, static_cast<double>(n_) - static_cast<double>(used));
  if (full_) {
    for (std::size_t i = 0; i < d_; ++i)
      for (std::size_t j = i; j < d_; ++j) {
        s[i * d_ + j] /= dof;
        s[j * d_ + i] = s[i * d_ + j];
      }
  } else {
    for (auto& v : s) v = std::max(0.0, v / dof);
  }
  return s;
}

MahalanobisScorer::MahalanobisScorer(std::vector<std::vector<double>> means,
                                     const std::vector<double>& covariance, bool full, double shrinkage,
                                     double epsilon)
    : full_(full) {
  if (means.empty()) throw Error("MahalanobisScorer: no class means");
  d_ = means[0].size();
  if (covariance.size() != (full ? d_ * d_ : d_))
    throw Error("MahalanobisScorer: covariance has " + std::to_string(covariance.size()) +
                " values, expected " + std::to_string(full ? d_ * d_ : d_));
  double trace = 0;
  for (std::size_t j = 0; j < d_; ++j) trace += full ? covariance[j * d_ + j] : covariance[j];
  const double avg = d_ ? trace / static_cast<double>(d_) : 0.0;
  // The ridge is relative to the average variance so it means the same at every layer.
  const double ridge = shrinkage * avg + epsilon * std::max(avg, 1e-12) + 1e-12;
  if (full) {
    std::vector<double> a(d_ * d_);
    for (std::size_t i = 0; i < d_; ++i)
      for (std::size_t j = 0; j < d_; ++j)
        a[i * d_ + j] = (1.0 - shrinkage) * covariance[i * d_ + j] + (i == j ? ridge : 0.0);
    // Cholesky A = L L^T (in place, lower triangle).
    for (std::size_t j = 0; j < d_; ++j) {
      double s = a[j * d_ + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[j * d_ + k] * a[j * d_ + k];
      if (!(s > 0)) throw Error("MahalanobisScorer: covariance not positive definite at feature " + std::to_string(j));
      const double ljj = std::sqrt(s);
      a[j * d_ + j] = ljj;
      for (std::size_t i = j + 1; i < d_; ++i) {
        double t = a[i * d_ + j];
        for (std::size_t k = 0; k < j; ++k) t -= a[i * d_ + k] * a[j * d_ + k];
        a[i * d_ + j] = t / ljj;
      }
    }
    // W = L^-1 by forward substitution on the identity's columns.
    whitening_.assign(d_ * d_, 0.0);
    for (std::size_t c = 0; c < d_; ++c)
      for (std::size_t i = c; i < d_; ++i) {
        double t = (i == c) ? 1.0 : 0.0;
        for (std::size_t k = c; k < i; ++k) t -= a[i * d_ + k] * whitening_[k * d_ + c];
        whitening_[i * d_ + c] = t / a[i * d_ + i];
      }
  } else {
    inv_std_.resize(d_);
    for (std::size_t j = 0; j < d_; ++j)
      inv_std_[j] = 1.0 / std::sqrt((1.0 - shrinkage) * covariance[j] + ridge);
  }
  for (const auto& m : means) {
    if (m.size() != d_) throw Error("MahalanobisScorer: class means differ in length");
    std::vector<double> w(d_);
    whiten(m.data(), w.data());
    white_means_.push_back(std::move(w));
  }
}

void MahalanobisScorer::whiten(const double* x, double* out) const {
  if (full_) {
    for (std::size_t i = 0; i < d_; ++i) {
      const double* row = &whitening_[i * d_];
      double s = 0;
      for (std::size_t k = 0; k <= i; ++k) s += row[k] * x[k];
      out[i] = s;
    }
  } else {
    for (std::size_t j = 0; j < d_; ++j) out[j] = x[j] * inv_std_[j];
  }
}

double MahalanobisScorer::distance2(const float* x, std::size_t c) const {
  thread_local std::vector<double> xd, w;
  xd.assign(x, x + d_);
  w.resize(d_);
  whiten(xd.data(), w.data());
  double s = 0;
  for (std::size_t j = 0; j < d_; ++j) s += (w[j] - white_means_[c][j]) * (w[j] - white_means_[c][j]);
  return s;
}

double MahalanobisScorer::score(const float* x, std::size_t* nearest) const {
  thread_local std::vector<double> xd, w;
  xd.assign(x, x + d_);
  w.resize(d_);
  whiten(xd.data(), w.data());
  double best = std::numeric_limits<double>::infinity();
  std::size_t arg = 0;
  for (std::size_t c = 0; c < white_means_.size(); ++c) {
    double s = 0;
    for (std::size_t j = 0; j < d_; ++j) s += (w[j] - white_means_[c][j]) * (w[j] - white_means_[c][j]);
    if (s < best) {
      best = s;
      arg = c;
    }
  }
  if (nearest) *nearest = arg;
  return best;
}

}  // namespace glassbox::explain

namespace glassbox::explain {

void SharedCovariance::merge(const SharedCovariance& other) {
  if (other.d_ != d_ || other.k_ != k_ || other.full_ != full_)
    throw Error("SharedCovariance::merge: the accumulators differ in features, classes or form");
  if (other.n_ == 0) return;
  if (!shifted_) {
    *this = other;
    return;
  }
  // other's samples about this shift: x - s = (x - s_o) + delta, delta = s_o - s.
  std::vector<double> delta(d_), sum(d_, 0.0);
  for (std::size_t j = 0; j < d_; ++j) delta[j] = other.shift_[j] - shift_[j];
  for (std::size_t c = 0; c < k_; ++c)
    for (std::size_t j = 0; j < d_; ++j) sum[j] += other.class_sum_[c * d_ + j];
  const double n = static_cast<double>(other.n_);
  if (full_) {
    for (std::size_t i = 0; i < d_; ++i)
      for (std::size_t j = i; j < d_; ++j)
        scatter_[i * d_ + j] += other.scatter_[i * d_ + j] + sum[i] * delta[j] + delta[i] * sum[j] + n * delta[i] * delta[j];
  } else {
    for (std::size_t j = 0; j < d_; ++j) scatter_[j] += other.scatter_[j] + 2 * sum[j] * delta[j] + n * delta[j] * delta[j];
  }
  for (std::size_t c = 0; c < k_; ++c) {
    const double nc = static_cast<double>(other.class_n_[c]);
    for (std::size_t j = 0; j < d_; ++j) class_sum_[c * d_ + j] += other.class_sum_[c * d_ + j] + nc * delta[j];
    class_n_[c] += other.class_n_[c];
  }
  n_ += other.n_;
}

nlohmann::json SharedCovariance::state() const {
  return {{"d", d_}, {"k", k_}, {"full", full_}, {"shifted", shifted_}, {"n", n_}, {"shift", shift_},
          {"scatter", scatter_}, {"class_sum", class_sum_}, {"class_n", class_n_}};
}

SharedCovariance SharedCovariance::from_state(const nlohmann::json& state) {
  SharedCovariance out;
  try {
    out.d_ = state.at("d").get<std::size_t>();
    out.k_ = state.at("k").get<std::size_t>();
    out.full_ = state.at("full").get<bool>();
    out.shifted_ = state.at("shifted").get<bool>();
    out.n_ = state.at("n").get<std::int64_t>();
    out.shift_ = state.at("shift").get<std::vector<double>>();
    out.scatter_ = state.at("scatter").get<std::vector<double>>();
    out.class_sum_ = state.at("class_sum").get<std::vector<double>>();
    out.class_n_ = state.at("class_n").get<std::vector<std::int64_t>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("SharedCovariance: malformed state: ") + e.what());
  }
  if (out.shift_.size() != out.d_ || out.scatter_.size() != (out.full_ ? out.d_ * out.d_ : out.d_) ||
      out.class_sum_.size() != out.k_ * out.d_ || out.class_n_.size() != out.k_)
    throw Error("SharedCovariance: inconsistent state");
  return out;
}

}  // namespace glassbox::explain
