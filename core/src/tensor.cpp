#include "glassbox/tensor.h"

#include <sstream>

namespace glassbox {

std::size_t shape_size(const Shape& shape) {
  std::size_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::ostringstream s;
  s << '(';
  for (std::size_t i = 0; i < shape.size(); ++i) s << (i ? ", " : "") << shape[i];
  if (shape.size() == 1) s << ',';
  s << ')';
  return s.str();
}

Shape batch_shape(std::size_t batch, const Shape& sample) {
  Shape s;
  s.reserve(sample.size() + 1);
  s.push_back(batch);
  s.insert(s.end(), sample.begin(), sample.end());
  return s;
}

Shape shape_of(const Tensor& t) { return Shape(t.shape().begin(), t.shape().end()); }

Shape sample_shape_of(const Tensor& batch) {
  if (batch.dimension() == 0) return {};
  return Shape(batch.shape().begin() + 1, batch.shape().end());
}

}  // namespace glassbox
