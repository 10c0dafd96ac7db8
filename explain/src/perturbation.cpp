#include "glassbox/explain/perturbation.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

#include "glassbox/error.h"
#include "glassbox/registry.h"

namespace glassbox::explain {

using nlohmann::json;

PerturbationOptions PerturbationOptions::from_json(const json& j, const std::string& where) {
  PerturbationOptions o;
  if (j.is_null() || (j.is_boolean() && j.get<bool>())) return o;
  if (!j.is_object()) throw ConfigError(where + ": must be an object, got " + j.dump());
  check_known_keys(j, {"region", "steps", "regions_per_step", "fill", "low", "high", "value", "seed", "batch_size",
                       "samples"},
                   where);
  try {
    o.region = option<std::size_t>(j, "region", o.region);
    o.steps = option<std::size_t>(j, "steps", o.steps);
    o.regions_per_step = option<std::size_t>(j, "regions_per_step", o.regions_per_step);
    o.fill = option<std::string>(j, "fill", o.fill);
    o.low = option<float>(j, "low", o.low);
    o.high = option<float>(j, "high", o.high);
    o.value = option<float>(j, "value", o.value);
    o.seed = option<unsigned long long>(j, "seed", o.seed);
    o.batch_size = option<std::size_t>(j, "batch_size", o.batch_size);
  } catch (const ConfigError& e) {
    throw ConfigError(where + ": " + e.what());
  }
  if (o.region < 1) throw ConfigError(where + ".region: must be >= 1");
  if (o.steps < 1) throw ConfigError(where + ".steps: must be >= 1");
  if (o.regions_per_step < 1) throw ConfigError(where + ".regions_per_step: must be >= 1");
  if (o.fill != "uniform" && o.fill != "value" && o.fill != "mean")
    throw ConfigError(where + ".fill: must be 'uniform', 'value' or 'mean', got '" + o.fill + "'");
  if (!(o.low <= o.high)) throw ConfigError(where + ": needs low <= high");
  if (o.batch_size < 1) o.batch_size = 1;
  return o;
}

json PerturbationOptions::to_json() const {
  return {{"region", region}, {"steps", steps}, {"regions_per_step", regions_per_step}, {"fill", fill},
          {"low", low},       {"high", high},   {"value", value},                       {"seed", seed}};
}

const PerturbationCurve& PerturbationResult::curve(const std::string& order) const {
  for (const auto& c : curves)
    if (c.order == order) return c;
  throw Error("perturbation: no curve '" + order + "'");
}

json PerturbationResult::to_json() const {
  json j{{"method", method}, {"images", images}, {"options", options.to_json()}};
  for (const auto& c : curves)
    j[c.order] = {{"aopc", c.aopc}, {"aopc_stderr", c.aopc_stderr}, {"mean_logit", c.mean_logit}};
  return j;
}

PerturbationResult evaluate_perturbation(ExplainedNetwork& net, const Tensor& x, const Attribution& a,
                                         const PerturbationOptions& o) {
  const Shape& s = net.input_shape();
  if (s.size() < 2) throw ConfigError("perturbation: needs image inputs (C, H, W), got " + shape_to_string(s));
  const std::size_t h = s[s.size() - 2], w = s[s.size() - 1], planes = shape_size(s) / (h * w);
  const std::size_t per = shape_size(s);
  const std::size_t rh = (h + o.region - 1) / o.region, rw = (w + o.region - 1) / o.region, regions = rh * rw;
  const std::size_t K = std::min(o.steps, (regions + o.regions_per_step - 1) / o.regions_per_step);
  const std::size_t n = a.rows();
  if (a.relevance.size() != n * per) throw Error("perturbation: relevance does not match the inputs");

  PerturbationResult res;
  res.method = a.method;
  res.images = n;
  res.options = o;
  res.options.steps = K;
  const std::vector<std::string> orders = {"morf", "lerf", "random"};
  // per-order, per-image logits after each step
  std::vector<std::vector<std::vector<double>>> f(3, std::vector<std::vector<double>>(n, std::vector<double>(K + 1)));

  Rng rng(o.seed);
  for (std::size_t r0 = 0; r0 < n; r0 += o.batch_size) {
    const std::size_t m = std::min(o.batch_size, n - r0);
    std::vector<std::size_t> idx(a.sample.begin() + r0, a.sample.begin() + r0 + m);
    Tensor chunk = gather_rows(x, idx);
    // Replacement values, the same for every order so that they differ only in the order.
    Tensor fill = Tensor::from_shape(chunk.shape());
    std::uniform_real_distribution<float> uni(o.low, o.high);
    for (std::size_t r = 0; r < m; ++r) {
      float mean = 0;
      for (std::size_t k = 0; k < per; ++k) mean += chunk.data()[r * per + k];
      mean /= static_cast<float>(per);
      for (std::size_t k = 0; k < per; ++k)
        fill.data()[r * per + k] = o.fill == "uniform" ? uni(rng) : o.fill == "mean" ? mean : o.value;
    }
    // Region rankings per image.
    std::vector<std::vector<std::size_t>> ranking(3 * m);
    for (std::size_t r = 0; r < m; ++r) {
      std::vector<double> score(regions, 0.0);
      const float* rel = a.relevance.data() + (r0 + r) * per;
      for (std::size_t c = 0; c < planes; ++c)
        for (std::size_t y = 0; y < h; ++y)
          for (std::size_t xx = 0; xx < w; ++xx)
            score[(y / o.region) * rw + xx / o.region] += rel[(c * h + y) * w + xx];
      std::vector<std::size_t> order(regions);
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return score[i] > score[j]; });
      ranking[0 * m + r] = order;
      ranking[1 * m + r] = std::vector<std::size_t>(order.rbegin(), order.rend());
      std::shuffle(order.begin(), order.end(), rng);
      ranking[2 * m + r] = order;
    }
    std::vector<int> targets(a.target.begin() + r0, a.target.begin() + r0 + m);
    for (std::size_t ord = 0; ord < 3; ++ord) {
      Tensor cur = chunk;
      for (std::size_t k = 0; k <= K; ++k) {
        if (k > 0) {
          for (std::size_t r = 0; r < m; ++r) {
            const auto& rank = ranking[ord * m + r];
            for (std::size_t q = (k - 1) * o.regions_per_step; q < std::min(regions, k * o.regions_per_step); ++q) {
              const std::size_t reg = rank[q], ry = reg / rw, rx = reg % rw;
              for (std::size_t c = 0; c < planes; ++c)
                for (std::size_t y = ry * o.region; y < std::min(h, (ry + 1) * o.region); ++y)
                  for (std::size_t xx = rx * o.region; xx < std::min(w, (rx + 1) * o.region); ++xx) {
                    const std::size_t at = r * per + (c * h + y) * w + xx;
                    cur.data()[at] = fill.data()[at];
                  }
            }
          }
        }
        Tensor logits = net.logits(cur);
        const std::size_t classes = logits.shape(1);
        for (std::size_t r = 0; r < m; ++r)
          f[ord][r0 + r][k] = logits.data()[r * classes + static_cast<std::size_t>(targets[r])];
      }
    }
  }
  for (std::size_t ord = 0; ord < 3; ++ord) {
    PerturbationCurve c;
    c.order = orders[ord];
    c.mean_logit.assign(K + 1, 0.0);
    std::vector<double> per_image(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t k = 0; k <= K; ++k) {
        c.mean_logit[k] += f[ord][r][k] / static_cast<double>(n);
        per_image[r] += (f[ord][r][0] - f[ord][r][k]) / static_cast<double>(K + 1);
      }
    }
    double mean = 0, var = 0;
    for (double v : per_image) mean += v / static_cast<double>(std::max<std::size_t>(n, 1));
    for (double v : per_image) var += (v - mean) * (v - mean);
    c.aopc = mean;
    c.aopc_stderr = n > 1 ? std::sqrt(var / static_cast<double>(n - 1) / static_cast<double>(n)) : 0.0;
    res.curves.push_back(c);
  }
  return res;
}

}  // namespace glassbox::explain
