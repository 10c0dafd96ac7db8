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

std::uint64_t perturbation_seed(std::uint64_t seed, std::size_t image) {
  // SplitMix64's finalizer over the seed and the image's index: neighbouring images and
  // seeds give unrelated streams.
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (static_cast<std::uint64_t>(image) + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

namespace {

// The image geometry and the number of steps K.
struct Regions {
  std::size_t h = 0, w = 0, planes = 0, per = 0, rw = 0, count = 0, steps = 0;
};

Regions regions_of(const Shape& s, const PerturbationOptions& o) {
  if (s.size() < 2) throw ConfigError("perturbation: needs image inputs (C, H, W), got " + shape_to_string(s));
  Regions g;
  g.h = s[s.size() - 2];
  g.w = s[s.size() - 1];
  g.per = shape_size(s);
  g.planes = g.per / (g.h * g.w);
  g.rw = (g.w + o.region - 1) / o.region;
  g.count = ((g.h + o.region - 1) / o.region) * g.rw;
  g.steps = std::min(o.steps, (g.count + o.regions_per_step - 1) / o.regions_per_step);
  return g;
}

// One image's replacement values (the same for every order, so that the orders differ only
// in the order) and its three region orders: MoRF, LeRF, random. `rng` is the image's own.
void prepare_image(const float* x, const float* relevance, const Regions& g, const PerturbationOptions& o, Rng& rng,
                   float* fill, std::vector<std::size_t>* rankings) {
  std::uniform_real_distribution<float> uni(o.low, o.high);
  float mean = 0;
  for (std::size_t k = 0; k < g.per; ++k) mean += x[k];
  mean /= static_cast<float>(g.per);
  for (std::size_t k = 0; k < g.per; ++k) fill[k] = o.fill == "uniform" ? uni(rng) : o.fill == "mean" ? mean : o.value;
  std::vector<double> score(g.count, 0.0);
  for (std::size_t c = 0; c < g.planes; ++c)
    for (std::size_t y = 0; y < g.h; ++y)
      for (std::size_t xx = 0; xx < g.w; ++xx) score[(y / o.region) * g.rw + xx / o.region] += relevance[(c * g.h + y) * g.w + xx];
  std::vector<std::size_t> order(g.count);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return score[i] > score[j]; });
  rankings[0] = order;
  rankings[1] = std::vector<std::size_t>(order.rbegin(), order.rend());
  std::shuffle(order.begin(), order.end(), rng);
  rankings[2] = order;
}

// Step k (>= 1) of one image: its regions ranked (k-1)*rps .. k*rps-1 take their fill.
void replace_regions(float* image, const float* fill, const std::vector<std::size_t>& rank, std::size_t k,
                     const Regions& g, const PerturbationOptions& o) {
  for (std::size_t q = (k - 1) * o.regions_per_step; q < std::min(g.count, k * o.regions_per_step); ++q) {
    const std::size_t ry = rank[q] / g.rw, rx = rank[q] % g.rw;
    for (std::size_t c = 0; c < g.planes; ++c)
      for (std::size_t y = ry * o.region; y < std::min(g.h, (ry + 1) * o.region); ++y)
        for (std::size_t xx = rx * o.region; xx < std::min(g.w, (rx + 1) * o.region); ++xx)
          image[(c * g.h + y) * g.w + xx] = fill[(c * g.h + y) * g.w + xx];
  }
}

// Rows [r0, r0 + m) of the attribution: their explained logit after each step of each order.
void perturb_chunk(ExplainedNetwork& net, const Tensor& x, const Attribution& a, const Regions& g,
                   const PerturbationOptions& o, std::size_t r0, std::size_t m, std::size_t first_image,
                   PerturbationLogits& out) {
  std::vector<std::size_t> idx(a.sample.begin() + r0, a.sample.begin() + r0 + m);
  const Tensor chunk = gather_rows(x, idx);
  Tensor fill = Tensor::from_shape(chunk.shape());
  std::vector<std::vector<std::size_t>> ranking(3 * m);
  for (std::size_t r = 0; r < m; ++r) {
    Rng rng(perturbation_seed(o.seed, first_image + r0 + r));
    prepare_image(chunk.data() + r * g.per, a.relevance.data() + (r0 + r) * g.per, g, o, rng,
                  fill.data() + r * g.per, &ranking[3 * r]);
  }
  const std::size_t K = g.steps;
  for (std::size_t ord = 0; ord < 3; ++ord) {
    Tensor cur = chunk;
    for (std::size_t k = 0; k <= K; ++k) {
      if (k > 0)
        for (std::size_t r = 0; r < m; ++r)
          replace_regions(cur.data() + r * g.per, fill.data() + r * g.per, ranking[3 * r + ord], k, g, o);
      const Tensor logits = net.logits(cur);
      const std::size_t classes = logits.shape(1);
      for (std::size_t r = 0; r < m; ++r)
        out.values[((r0 + r) * 3 + ord) * (K + 1) + k] =
            logits.data()[r * classes + static_cast<std::size_t>(a.target[r0 + r])];
    }
  }
}

const char* const kOrders[3] = {"morf", "lerf", "random"};

}  // namespace

PerturbationLogits perturbation_logits(ExplainedNetwork& net, const Tensor& x, const Attribution& a,
                                       const PerturbationOptions& o, std::size_t first_image) {
  const Regions g = regions_of(net.input_shape(), o);
  const std::size_t n = a.rows();
  if (a.relevance.size() != n * g.per) throw Error("perturbation: relevance does not match the inputs");
  PerturbationLogits out;
  out.images = n;
  out.steps = g.steps;
  out.values.assign(n * 3 * (g.steps + 1), 0.0f);
  for (std::size_t r0 = 0; r0 < n; r0 += o.batch_size)
    perturb_chunk(net, x, a, g, o, r0, std::min(o.batch_size, n - r0), first_image, out);
  return out;
}

PerturbationResult combine_perturbation(const std::string& method, const PerturbationOptions& o,
                                        const PerturbationLogits& f) {
  const std::size_t n = f.images, K = f.steps;
  if (f.values.size() != n * 3 * (K + 1)) throw Error("perturbation: curves do not match their image count");
  PerturbationResult res;
  res.method = method;
  res.images = n;
  res.options = o;
  res.options.steps = K;
  for (std::size_t ord = 0; ord < 3; ++ord) {
    PerturbationCurve c;
    c.order = kOrders[ord];
    c.mean_logit.assign(K + 1, 0.0);
    std::vector<double> per_image(n, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
      const float* v = f.values.data() + (r * 3 + ord) * (K + 1);
      for (std::size_t k = 0; k <= K; ++k) {
        c.mean_logit[k] += static_cast<double>(v[k]) / static_cast<double>(n);
        per_image[r] += (static_cast<double>(v[0]) - v[k]) / static_cast<double>(K + 1);
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

PerturbationResult evaluate_perturbation(ExplainedNetwork& net, const Tensor& x, const Attribution& a,
                                         const PerturbationOptions& o) {
  return combine_perturbation(a.method, o, perturbation_logits(net, x, a, o, 0));
}

PerturbationResult evaluate_perturbation(ExplainedNetwork& net, const Tensor& x, const Attribution& a,
                                         const PerturbationOptions& o, ReplicaGroup* replicas,
                                         std::size_t first_image) {
  PerturbationLogits f = perturbation_logits(net, x, a, o, first_image);
  if (!sharded(replicas)) return combine_perturbation(a.method, o, f);
  f.values = gather_in_order(replicas, std::move(f.values));
  f.images = f.values.size() / (3 * (f.steps + 1));
  if (replicas->rank() != 0) return PerturbationResult{a.method, 0, o, {}};
  return combine_perturbation(a.method, o, f);
}

}  // namespace glassbox::explain
