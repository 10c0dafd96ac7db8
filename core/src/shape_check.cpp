#include "glassbox/shape_check.h"

#include <limits>

#include "glassbox/error.h"
#include "glassbox/model_memory.h"

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

namespace {
thread_local ParameterBudget* open_budget = nullptr;
}  // namespace

ParameterBudget::ParameterBudget() : previous_(open_budget) { open_budget = this; }
ParameterBudget::~ParameterBudget() { open_budget = previous_; }

void check_parameter_budget(const Shape& weight_shape, const std::string& what) {
  const std::size_t limit = max_model_bytes();
  const std::size_t before = open_budget ? open_budget->bytes_ : 0;
  std::size_t bytes = 2 * sizeof(float);  // the values and their gradient
  double estimate = static_cast<double>(bytes);
  bool fits = true;
  for (std::size_t d : weight_shape) {
    estimate *= static_cast<double>(d);
    fits = fits && checked_multiply(bytes, d, limit, bytes);
  }
  fits = fits && bytes <= limit - before;
  if (fits) {
    if (open_budget) open_budget->bytes_ = before + bytes;
    return;
  }
  const std::string so_far =
      before > 0 ? ", with the model's " + bytes_text(static_cast<double>(before)) + " before it" : "";
  throw ConfigError(what + ": a weight of shape " + shape_to_string(weight_shape) + " needs " + bytes_text(estimate) +
                    " with its gradient" + so_far + ", over the limit of " + bytes_text(static_cast<double>(limit)) +
                    " for the model (GLASSBOX_MAX_MODEL_BYTES raises it)");
}

}  // namespace glassbox
