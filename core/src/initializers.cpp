#include "glassbox/initializers.h"

#include <algorithm>
#include <cmath>

#include "glassbox/error.h"

namespace glassbox {

namespace {

// Standard deviation of a unit normal truncated to [-2, 2].
constexpr double kTruncatedNormalStd = 0.87962566103423978;

void fill_uniform(Tensor& values, double limit, Rng& rng) {
  std::uniform_real_distribution<float> dist(static_cast<float>(-limit), static_cast<float>(limit));
  for (auto& v : values) v = dist(rng);
}

void fill_truncated_normal(Tensor& values, double stddev, Rng& rng) {
  std::normal_distribution<double> dist(0.0, 1.0);
  const double s = stddev / kTruncatedNormalStd;
  for (auto& v : values) {
    double z;
    do z = dist(rng);
    while (std::abs(z) > 2.0);
    v = static_cast<float>(z * s);
  }
}

double positive(std::size_t n) { return static_cast<double>(std::max<std::size_t>(n, 1)); }

}  // namespace

const std::vector<std::string>& initializer_names() {
  static const std::vector<std::string> names{"glorot_uniform", "glorot_normal", "he_normal",
                                              "he_uniform",     "zeros",         "ones"};
  return names;
}

bool is_initializer(const std::string& name) {
  const auto& names = initializer_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

void initialize(Tensor& values, const std::string& name, std::size_t fan_in,
                std::size_t fan_out, Rng& rng) {
  const double in = positive(fan_in), out = positive(fan_out);
  if (name == "glorot_uniform") {
    fill_uniform(values, std::sqrt(6.0 / (in + out)), rng);
  } else if (name == "glorot_normal") {
    fill_truncated_normal(values, std::sqrt(2.0 / (in + out)), rng);
  } else if (name == "he_normal") {
    fill_truncated_normal(values, std::sqrt(2.0 / in), rng);
  } else if (name == "he_uniform") {
    fill_uniform(values, std::sqrt(6.0 / in), rng);
  } else if (name == "zeros") {
    std::fill(values.begin(), values.end(), 0.0f);
  } else if (name == "ones") {
    std::fill(values.begin(), values.end(), 1.0f);
  } else {
    std::string known;
    for (const auto& n : initializer_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError("unknown initializer '" + name + "' (known: " + known + ")");
  }
}

}  // namespace glassbox
