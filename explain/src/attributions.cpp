#include "glassbox/explain/attributions.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <random>

#include "glassbox/error.h"
#include "glassbox/parallel.h"
#include "glassbox/registry.h"

namespace glassbox::explain {

using nlohmann::json;

namespace {

std::size_t per_row(const Tensor& t) { return t.shape(0) ? t.size() / t.shape(0) : 0; }

// Rows per pass (see attribute_rows); as for LRP, small passes keep the activations in cache.
constexpr std::size_t kAttributionPassRows = 8;

// Gradients of each row's target logit for a chunk; logits of the same pass into `logits`.
Tensor gradient_of(ExplainedNetwork& net, const Tensor& x, const std::vector<int>& targets, Tensor* logits) {
  return net.target_gradient(x, targets, logits);
}

void axpy(float a, const Tensor& x, Tensor& y) {
  const float* px = x.data();
  float* py = y.data();
  for (std::size_t i = 0, n = y.size(); i < n; ++i) py[i] += a * px[i];
}

// The chunk's attribution (rows m) for one method, and the chunk's logits into `logits`.
Tensor attribute_chunk(ExplainedNetwork& net, const std::string& method, const Tensor& x,
                       const std::vector<int>& targets, const AttributionOptions& o, Rng& rng,
                       Tensor* logits) {
  const std::size_t m = x.shape(0);
  if (method == "gradient" || method == "gradient_x_input") {
    Tensor g = gradient_of(net, x, targets, logits);  // the logits come with the gradient
    if (method == "gradient_x_input") g *= x;
    return g;
  }
  if (logits) *logits = net.logits(x);
  if (method == "integrated_gradients") {
    const int steps = o.steps;
    Tensor sum = xt::zeros<float>(x.shape());
    Tensor path = Tensor::from_shape(x.shape());
    for (int k = 0; k <= steps; ++k) {
      const float a = static_cast<float>(k) / static_cast<float>(steps);
      for (std::size_t i = 0; i < x.size(); ++i) path.data()[i] = o.baseline + a * (x.data()[i] - o.baseline);
      Tensor g = gradient_of(net, path, targets, nullptr);
      const float w = (k == 0 || k == steps ? 0.5f : 1.0f) / static_cast<float>(steps);  // trapezoid
      axpy(w, g, sum);
    }
    for (std::size_t i = 0; i < x.size(); ++i) sum.data()[i] *= x.data()[i] - o.baseline;
    return sum;
  }
  if (method == "smoothgrad") {
    Tensor sum = xt::zeros<float>(x.shape());
    Tensor noisy = Tensor::from_shape(x.shape());
    const std::size_t per = per_row(x);
    for (int k = 0; k < o.samples; ++k) {
      for (std::size_t r = 0; r < m; ++r) {
        const float* row = x.data() + r * per;
        auto [lo, hi] = std::minmax_element(row, row + per);
        const float sigma = o.noise * std::max(*hi - *lo, 1e-6f);
        std::normal_distribution<float> normal(0.0f, sigma);
        for (std::size_t i = 0; i < per; ++i) noisy.data()[r * per + i] = row[i] + normal(rng);
      }
      axpy(1.0f / static_cast<float>(o.samples), gradient_of(net, noisy, targets, nullptr), sum);
    }
    return sum;
  }
  if (method == "occlusion") {
    const Shape& s = net.input_shape();
    if (s.size() < 2) throw ConfigError("occlusion needs image inputs (C, H, W) or (H, W), got " + shape_to_string(s));
    const std::size_t h = s[s.size() - 2], w = s[s.size() - 1], planes = shape_size(s) / (h * w);
    const std::size_t per = per_row(x);
    Tensor base = net.logits(x);
    const std::size_t classes = base.shape(1);
    Tensor sum = xt::zeros<float>(x.shape());
    std::vector<float> count(h * w, 0.0f);
    Tensor occluded = Tensor::from_shape(x.shape());
    const std::size_t p = o.patch, st = o.stride;
    for (std::size_t y0 = 0; y0 < h; y0 += st) {
      for (std::size_t x0 = 0; x0 < w; x0 += st) {
        const std::size_t y1 = std::min(h, y0 + p), x1 = std::min(w, x0 + p);
        std::memcpy(occluded.data(), x.data(), x.size() * sizeof(float));
        for (std::size_t r = 0; r < m; ++r)
          for (std::size_t c = 0; c < planes; ++c)
            for (std::size_t yy = y0; yy < y1; ++yy)
              for (std::size_t xx = x0; xx < x1; ++xx) occluded.data()[r * per + (c * h + yy) * w + xx] = o.value;
        Tensor out = net.logits(occluded);
        for (std::size_t r = 0; r < m; ++r) {
          const std::size_t t = static_cast<std::size_t>(targets[r]);
          const float drop = base.data()[r * classes + t] - out.data()[r * classes + t];
          for (std::size_t c = 0; c < planes; ++c)
            for (std::size_t yy = y0; yy < y1; ++yy)
              for (std::size_t xx = x0; xx < x1; ++xx) sum.data()[r * per + (c * h + yy) * w + xx] += drop;
        }
        for (std::size_t yy = y0; yy < y1; ++yy)
          for (std::size_t xx = x0; xx < x1; ++xx) count[yy * w + xx] += 1.0f;
        if (x1 == w) break;
      }
      if (std::min(h, y0 + p) == h) break;
    }
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t c = 0; c < planes; ++c)
        for (std::size_t k = 0; k < h * w; ++k)
          if (count[k] > 0) sum.data()[r * per + c * h * w + k] /= count[k];
    return sum;
  }
  check_method(method);
  return {};
}

}  // namespace

void check_method(const std::string& method) {
  const auto& m = attribution_methods();
  if (std::find(m.begin(), m.end(), method) != m.end()) return;
  std::string known;
  for (const auto& n : m) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("unknown attribution method '" + method + "' (known: lrp, " + known + ")");
}

Tensor Attribution::row(std::size_t r) const { return gather_rows(relevance, {r}); }

const std::vector<std::string>& attribution_methods() {
  static const std::vector<std::string> m = {"gradient", "gradient_x_input", "integrated_gradients",
                                             "smoothgrad", "occlusion"};
  return m;
}

AttributionOptions AttributionOptions::from_json(const json& j, const std::string& where) {
  AttributionOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) throw ConfigError(where + ": must be an object, got " + j.dump());
  check_known_keys(j, {"steps", "baseline", "samples", "noise", "patch", "stride", "value", "seed", "batch_size"},
                   where);
  try {
    o.steps = option<int>(j, "steps", o.steps);
    o.baseline = option<float>(j, "baseline", o.baseline);
    o.samples = option<int>(j, "samples", o.samples);
    o.noise = option<float>(j, "noise", o.noise);
    o.patch = option<std::size_t>(j, "patch", o.patch);
    o.stride = option<std::size_t>(j, "stride", o.stride);
    o.value = option<float>(j, "value", o.value);
    o.seed = option<unsigned long long>(j, "seed", o.seed);
    o.batch_size = option<std::size_t>(j, "batch_size", o.batch_size);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  if (o.steps < 1) throw ConfigError(where + ": 'steps' must be >= 1, got " + std::to_string(o.steps));
  if (o.samples < 1) throw ConfigError(where + ": 'samples' must be >= 1, got " + std::to_string(o.samples));
  if (!(o.noise >= 0.0f)) throw ConfigError(where + ": 'noise' must be >= 0");
  if (o.patch < 1 || o.stride < 1) throw ConfigError(where + ": 'patch' and 'stride' must be >= 1");
  if (o.batch_size < 1) o.batch_size = 1;
  return o;
}

json AttributionOptions::to_json(const std::string& method) const {
  if (method == "integrated_gradients") return {{"steps", steps}, {"baseline", baseline}, {"rule", "trapezoid"}};
  if (method == "smoothgrad") return {{"samples", samples}, {"noise", noise}, {"seed", seed}};
  if (method == "occlusion") return {{"patch", patch}, {"stride", stride}, {"value", value}};
  return json::object();
}

Attribution attribute_rows(ExplainedNetwork& net, const std::string& method, const Tensor& x,
                           const ExplanationRows& rows, const AttributionOptions& options) {
  check_method(method);
  Attribution a;
  a.method = method;
  a.parameters = options.to_json(method);
  a.sample = rows.sample;
  a.target = rows.target;
  const std::size_t n = rows.sample.size();
  a.relevance = Tensor::from_shape(batch_shape(n, net.input_shape()));
  a.predicted.resize(n);
  a.logit.resize(n);
  const std::size_t per = shape_size(net.input_shape());
  // Passes of a few rows (activations stay in cache) spread over the compute threads, each
  // thread on its own copy of the network. Each pass draws its noise from its own seed, so
  // the result does not depend on the number of threads.
  const std::size_t pass_rows = std::min(options.batch_size, kAttributionPassRows);
  const std::size_t passes = (n + pass_rows - 1) / pass_rows;
  std::vector<std::unique_ptr<ExplainedNetwork>> replicas;
  while (replicas.size() + 1 < parallel_chunks(passes, 1)) replicas.push_back(std::make_unique<ExplainedNetwork>(net));
  parallel_for(passes, 1, [&](std::size_t chunk, std::size_t p0, std::size_t p1) {
    ExplainedNetwork& engine = chunk == 0 ? net : *replicas[chunk - 1];
    for (std::size_t p = p0; p < p1; ++p) {
      const std::size_t r0 = p * pass_rows, m = std::min(pass_rows, n - r0);
      std::vector<std::size_t> idx(rows.sample.begin() + r0, rows.sample.begin() + r0 + m);
      std::vector<int> targets(rows.target.begin() + r0, rows.target.begin() + r0 + m);
      Tensor pass = gather_rows(x, idx);
      Tensor logits;
      Rng rng(options.seed + 0x9E3779B97F4A7C15ULL * (p + 1));
      const Tensor rel = attribute_chunk(engine, method, pass, targets, options, rng, &logits);
      std::vector<int> pred = ExplainedNetwork::argmax_rows(logits);
      for (std::size_t r = 0; r < m; ++r) {
        a.predicted[r0 + r] = pred[r];
        a.logit[r0 + r] = logits(r, static_cast<std::size_t>(targets[r]));
      }
      std::memcpy(a.relevance.data() + r0 * per, rel.data(), rel.size() * sizeof(float));
    }
  });
  return a;
}

Attribution attribute(ExplainedNetwork& net, const std::string& method, const Tensor& x,
                      const Target& target, const AttributionOptions& options) {
  check_method(method);
  ExplanationRows rows = explanation_rows(net.logits(x), target);
  return attribute_rows(net, method, x, rows, options);
}

}  // namespace glassbox::explain
