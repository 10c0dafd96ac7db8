#pragma once
// Mahalanobis novelty with a shared (pooled within-class) covariance, as in Lee et al.
// (2018, "A simple unified framework for detecting out-of-distribution samples"):
//   score(x) = min_c (x - mu_c)^T Sigma^-1 (x - mu_c)
// Sigma is estimated in one streaming pass and regularized by shrinkage toward a scaled
// identity, Sigma_reg = (1 - a) Sigma + a (tr(Sigma) / d) I + eps I, because layer
// activations are often rank-deficient (dead neurons, more neurons than samples).
// Above `max_full_dim` features the covariance is kept diagonal (memory O(d) not O(d^2)).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::explain {

class SharedCovariance {
 public:
  SharedCovariance() = default;
  SharedCovariance(std::size_t features, std::size_t classes, std::size_t max_full_dim = 256);

  // One sample x (features values) of class c.
  void add(const float* x, int c);
  std::size_t features() const { return d_; }
  std::size_t classes() const { return k_; }
  bool full() const { return full_; }
  std::int64_t count() const { return n_; }
  std::int64_t class_count(int c) const { return class_n_[static_cast<std::size_t>(c)]; }
  std::vector<double> class_mean(int c) const;
  // Pooled within-class covariance, divided by (n - classes); d*d row-major when full(),
  // else its diagonal (d values).
  std::vector<double> covariance() const;
  // Adds another accumulator's samples (same features and classes), re-centred on this
  // one's shift: the same covariance up to rounding.
  void merge(const SharedCovariance& other);
  // The raw sums as numbers (doubles round-trip exactly), and back; Error when malformed.
  nlohmann::json state() const;
  static SharedCovariance from_state(const nlohmann::json& state);

 private:
  std::size_t d_ = 0, k_ = 0;
  bool full_ = true;
  bool shifted_ = false;
  std::int64_t n_ = 0;
  std::vector<double> shift_;      // first sample: centring keeps the sums well conditioned
  std::vector<double> scatter_;    // sum (x - s)(x - s)^T (upper triangle used) or its diagonal
  std::vector<double> class_sum_;  // k * d: sum (x - s) per class
  std::vector<std::int64_t> class_n_;
};

class MahalanobisScorer {
 public:
  MahalanobisScorer() = default;
  // `means`: one vector per class; `covariance` as SharedCovariance::covariance() gives it.
  MahalanobisScorer(std::vector<std::vector<double>> means, const std::vector<double>& covariance,
                    bool full, double shrinkage = 0.1, double epsilon = 1e-6);
  // Squared distance to class c.
  double distance2(const float* x, std::size_t c) const;
  // min over classes of distance2; writes the argmin to *nearest when given.
  double score(const float* x, std::size_t* nearest = nullptr) const;
  bool full() const { return full_; }
  std::size_t features() const { return d_; }

 private:
  void whiten(const double* x, double* out) const;
  std::size_t d_ = 0;
  bool full_ = true;
  std::vector<double> whitening_;          // full: W = L^-1 (lower), Sigma_reg = L L^T
  std::vector<double> inv_std_;            // diagonal case
  std::vector<std::vector<double>> white_means_;  // W mu_c
};

}  // namespace glassbox::explain
