#pragma once
// Checked shape arithmetic for every shape that comes from a user (data.shape,
// model.input_shape, model.json, reshape targets) or that a layer derives from one.
// A plain size_t product wraps: [1, -1, -4] read as sizes multiplies to 4 and would pass
// a "holds 4 features" check, then a layer indexes far past its buffer. These helpers
// multiply without overflow and refuse zero, negative and oversized shapes.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/tensor.h"

namespace glassbox {

// At most this many elements in one sample (2^31): far above any real sample, far below
// an allocation that would exhaust memory.
constexpr std::size_t kMaxSampleElements = std::size_t(1) << 31;

// a * b, or false (result untouched) when the product exceeds `limit`.
bool checked_multiply(std::size_t a, std::size_t b, std::size_t limit, std::size_t& result);

// The number of elements of `shape`. Throws ConfigError "<what>: ..." naming the shape
// when it is empty, has a zero size, or holds more than `limit` elements.
std::size_t checked_element_count(const Shape& shape, const std::string& what,
                                  std::size_t limit = kMaxSampleElements);

// A JSON list of positive integers as a Shape, checked as above. Throws ConfigError
// "<what>: expected a list of positive sizes, got [1,-1,-4]" for anything else.
Shape shape_from_json(const nlohmann::json& value, const std::string& what,
                      std::size_t limit = kMaxSampleElements);

// Parameter memory, checked by each layer in build() before it allocates a weight tensor
// against max_model_bytes() (model_memory.h: 2 GiB unless GLASSBOX_MAX_MODEL_BYTES says
// otherwise), counting the tensor with its gradient. While a ParameterBudget is open on the
// thread (MyDeepLearning::build opens one for the whole model), the tensors checked add up,
// and the one that takes the model over the limit is refused.
class ParameterBudget {
 public:
  ParameterBudget();
  ~ParameterBudget();
  ParameterBudget(const ParameterBudget&) = delete;
  ParameterBudget& operator=(const ParameterBudget&) = delete;
  std::size_t bytes() const { return bytes_; }  // checked so far

 private:
  friend void check_parameter_budget(const Shape&, const std::string&);
  ParameterBudget* previous_;
  std::size_t bytes_ = 0;
};

// Throws ConfigError "<what>: a weight of shape (784, 1000000000) needs 5841.3 GiB with its
// gradient, over the limit of 2.0 GiB for the model (GLASSBOX_MAX_MODEL_BYTES raises it)"
// when the tensor, or the model's tensors so far with it, do not fit.
void check_parameter_budget(const Shape& weight_shape, const std::string& what);

}  // namespace glassbox
