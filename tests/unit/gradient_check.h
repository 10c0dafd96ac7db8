#pragma once
// One generic central-finite-difference gradient checker for any built Layer (after dlib's
// test_layer): the loss is L = sum(output * R) with fixed random weights R, accumulated in
// double, so dL/doutput = R is what backward() receives. It compares
//   - the input gradient, element by element, with (L(x + e) - L(x - e)) / 2e,
//   - every trainable parameter's gradient the same way,
//   - backward(R, input_only) with backward(R, input_and_params) (same input gradient),
//   - backward(R, params_only) with backward(R, input_and_params) (same parameter gradients),
// and calls backward twice, checking the second call, so gradients that accumulate
// instead of being overwritten are caught.
// Every loss evaluation runs on a fresh clone() of the layer, so a layer with internal
// randomness (dropout) sees the same mask in each evaluation, and running statistics
// (batch normalization) do not drift between evaluations.
// Floats: relative tolerance around 1e-2 as dlib uses, plus a small absolute floor.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "glassbox/layer.h"
#include "glassbox/tensor.h"

namespace glassbox::testing {

struct GradientCheckOptions {
  double eps = 1e-3;
  double rtol = 1e-2;
  double atol = 2e-3;
  Mode mode = Mode::train;
  unsigned seed = 1234;
};

struct GradientCheckReport {
  std::size_t checked = 0;
  std::size_t failures = 0;
  double worst_excess = 0;  // the largest |analytic - numeric| - tolerance seen
  std::string first_failures;  // readable lines for the first few mismatches

  bool ok() const { return failures == 0 && checked > 0; }
  std::string summary() const {
    std::ostringstream s;
    s << checked << " derivatives checked, " << failures << " mismatches\n" << first_failures;
    return s.str();
  }
};

namespace detail {

inline double weighted_sum(const Tensor& y, const Tensor& r) {
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y.data()[i]) * r.data()[i];
  return s;
}

inline void compare(GradientCheckReport& report, const std::string& what, std::size_t index,
                    double analytic, double numeric, const GradientCheckOptions& o) {
  ++report.checked;
  const double tol = o.atol + o.rtol * std::max(std::abs(analytic), std::abs(numeric));
  const double err = std::abs(analytic - numeric);
  if (!(err <= tol)) {  // NaN fails too
    ++report.failures;
    report.worst_excess = std::max(report.worst_excess, err - tol);
    if (report.failures <= 8) {
      std::ostringstream s;
      s << "  " << what << "[" << index << "]: analytic " << analytic << ", numeric " << numeric
        << "\n";
      report.first_failures += s.str();
    }
  }
}

}  // namespace detail

// `layer` must be built for x's per-sample shape; it is not modified.
inline GradientCheckReport check_gradients(const Layer& layer, const Tensor& x,
                                           const GradientCheckOptions& o = {}) {
  GradientCheckReport report;
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);

  // Analytic gradients.
  auto analytic = layer.clone();
  const Tensor y = analytic->forward(x, o.mode);
  Tensor r = Tensor::from_shape(y.shape());
  for (auto& v : r) v = uniform(rng);
  analytic->backward(r, Gradients::input_and_params);
  const Tensor grad_x = analytic->backward(r, Gradients::input_and_params);
  std::vector<Tensor> grad_params;
  for (const auto& p : analytic->params()) grad_params.push_back(*p.grad);

  auto input_only = layer.clone();
  input_only->forward(x, o.mode);
  const Tensor grad_x_only = input_only->backward(r, Gradients::input_only);
  if (grad_x_only.size() != grad_x.size()) {
    ++report.failures;
    report.first_failures += "  input_only gradient has a different size\n";
  } else {
    for (std::size_t i = 0; i < grad_x.size(); ++i)
      detail::compare(report, "input_only vs input_and_params", i, grad_x_only.data()[i],
                      grad_x.data()[i], GradientCheckOptions{o.eps, 1e-6, 1e-6, o.mode, o.seed});
  }

  // params_only must give the same parameter gradients.
  auto params_only = layer.clone();
  params_only->forward(x, o.mode);
  params_only->backward(r, Gradients::params_only);
  {
    auto p = params_only->params();
    for (std::size_t k = 0; k < p.size(); ++k) {
      if (!p[k].trainable) continue;
      for (std::size_t i = 0; i < p[k].grad->size(); ++i)
        detail::compare(report, "params_only d/d" + p[k].name, i, p[k].grad->data()[i],
                        grad_params[k].data()[i], GradientCheckOptions{o.eps, 1e-6, 1e-6, o.mode, o.seed});
    }
  }

  auto loss_at = [&](const Tensor& input, std::size_t param, std::size_t index, float value) {
    auto probe = layer.clone();
    if (param != static_cast<std::size_t>(-1)) probe->params()[param].value->data()[index] = value;
    return detail::weighted_sum(probe->forward(input, o.mode), r);
  };
  const std::size_t none = static_cast<std::size_t>(-1);

  // Input gradient.
  Tensor xp = x;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const float v = x.data()[i];
    const float hi = static_cast<float>(v + o.eps), lo = static_cast<float>(v - o.eps);
    xp.data()[i] = hi;
    const double l_hi = loss_at(xp, none, 0, 0);
    xp.data()[i] = lo;
    const double l_lo = loss_at(xp, none, 0, 0);
    xp.data()[i] = v;
    const double numeric = (l_hi - l_lo) / (static_cast<double>(hi) - lo);
    detail::compare(report, "d/dinput", i, grad_x.data()[i], numeric, o);
  }

  // Parameter gradients.
  auto base = layer.clone();
  auto params = base->params();
  for (std::size_t k = 0; k < params.size(); ++k) {
    if (!params[k].trainable) continue;
    const Tensor& value = *params[k].value;
    for (std::size_t i = 0; i < value.size(); ++i) {
      const float v = value.data()[i];
      const float hi = static_cast<float>(v + o.eps), lo = static_cast<float>(v - o.eps);
      const double numeric = (loss_at(x, k, i, hi) - loss_at(x, k, i, lo)) /
                             (static_cast<double>(hi) - lo);
      detail::compare(report, "d/d" + params[k].name, i, grad_params[k].data()[i], numeric, o);
    }
  }
  return report;
}

}  // namespace glassbox::testing
