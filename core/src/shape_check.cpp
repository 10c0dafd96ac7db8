#include "glassbox/shape_check.h"

#include <cstdlib>
#include <limits>

#include "glassbox/error.h"

namespace glassbox {

bool checked_multiply(std::size_t a, std::size_t b, std::size_t limit, std::size_t& result) {
  if (a != 0 && b > limit / a) return false;
  if (a * b > limit) return false;
  result = a * b;
  return true;
}

std::size_t checked_element_count(const Shape& shape, const std::string& what, std::size_t limit) {
  if (shape.empty()) throw ConfigError(what + ": the shape is empty; expected at least one size");
  std::size_t n = 1;
  for (std::size_t d : shape) {
    if (d == 0) throw ConfigError(what + ": shape " + shape_to_string(shape) + " has a size 0");
    if (!checked_multiply(n, d, limit, n))
      throw ConfigError(what + ": shape " + shape_to_string(shape) + " holds more than " + std::to_string(limit) +
                        " elements");
  }
  return n;
}

Shape shape_from_json(const nlohmann::json& value, const std::string& what, std::size_t limit) {
  const std::string expected = what + ": expected a list of positive sizes, got ";
  if (!value.is_array() || value.empty()) throw ConfigError(expected + value.dump());
  Shape s;
  for (const auto& d : value) {
    // Only exact integers: 2.5, "3", -1 and 0 are refused before any cast to size_t.
    if (!d.is_number_integer() || (d.is_number_unsigned() ? d.get<std::uint64_t>() == 0 : d.get<long long>() <= 0))
      throw ConfigError(expected + value.dump());
    s.push_back(d.get<std::size_t>());
  }
  if (s.size() > 8) throw ConfigError(what + ": at most 8 dimensions, got " + value.dump());
  std::size_t n = 1;
  for (std::size_t d : s)
    if (!checked_multiply(n, d, limit, n))
      throw ConfigError(what + ": " + value.dump() + " holds more than " + std::to_string(limit) + " elements");
  return s;
}

std::size_t max_parameter_bytes() {
  const char* env = std::getenv("GLASSBOX_MAX_PARAM_BYTES");
  constexpr std::size_t kDefault = std::size_t(2) << 30;
  if (!env || !*env) return kDefault;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(env, &end, 10);
  if (*end != '\0' || v == 0 || env[0] == '-') return kDefault;  // malformed: keep the default
  return static_cast<std::size_t>(v);
}

void check_parameter_budget(const Shape& weight_shape, const std::string& what) {
  const std::size_t limit = max_parameter_bytes();
  std::size_t bytes = sizeof(float);
  double estimate = sizeof(float);
  bool fits = true;
  for (std::size_t d : weight_shape) {
    estimate *= static_cast<double>(d);
    fits = fits && checked_multiply(bytes, d, limit, bytes);
  }
  if (fits) return;
  const std::string limit_text = limit >= (std::size_t(1) << 20) ? std::to_string(limit >> 20) + " MiB"
                                                                  : std::to_string(limit) + " bytes";
  throw ConfigError(what + ": a weight of shape " + shape_to_string(weight_shape) + " needs " +
                    std::to_string(static_cast<unsigned long long>(estimate / (1 << 20))) + " MiB, over the limit of " +
                    limit_text + " of parameters (GLASSBOX_MAX_PARAM_BYTES raises it)");
}

}  // namespace glassbox
