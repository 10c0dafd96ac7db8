#include "onnx_tensor.h"

#include <cstring>

#include "glassbox/error.h"

namespace glassbox::onnx_io {

namespace {

// The element count of `t`'s dims; DataError for a negative or absurd dimension. The
// product of the non-zero dims is bounded too: a 0 dim makes the count 0, but the tensor's
// strides are still products of the other dims, so (0, 2^40, 2^40) must be refused.
std::size_t element_count(const onnx::TensorProto& t, const std::string& where) {
  constexpr std::size_t kMaxElements = std::size_t{1} << 31;  // 8 GiB of floats: far beyond a model file
  std::size_t n = 1;
  bool empty = false;
  for (const auto d : t.dims()) {
    if (d < 0 || d > static_cast<std::int64_t>(kMaxElements))
      throw DataError(where + ": dimension " + std::to_string(d) + " out of range");
    if (d == 0) {
      empty = true;
      continue;
    }
    if (n > kMaxElements / static_cast<std::size_t>(d))
      throw DataError(where + ": shape " + dims_text({t.dims().begin(), t.dims().end()}) + " spans more than " +
                      std::to_string(kMaxElements) + " values");
    n *= static_cast<std::size_t>(d);
  }
  return empty ? 0 : n;
}

void check_inline(const onnx::TensorProto& t, const std::string& where) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    throw DataError(where + ": stored as external data, which is not supported (save the model with its weights inside)");
}

template <class T>
std::vector<T> raw_values(const onnx::TensorProto& t, std::size_t n, const std::string& where) {
  if (t.raw_data().size() != n * sizeof(T))
    throw DataError(where + ": holds " + std::to_string(t.raw_data().size()) + " bytes, its shape " +
                    dims_text({t.dims().begin(), t.dims().end()}) + " needs " + std::to_string(n * sizeof(T)));
  std::vector<T> out(n);
  if (n) std::memcpy(out.data(), t.raw_data().data(), n * sizeof(T));
  return out;
}

}  // namespace

Shape dims_of(const onnx::TensorProto& t) {
  Shape s;
  for (const auto d : t.dims()) s.push_back(static_cast<std::size_t>(d < 0 ? 0 : d));
  return s;
}

std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string out = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) out += (i ? ", " : "") + std::to_string(dims[i]);
  return out + ")";
}

Tensor float_values(const onnx::TensorProto& t, const std::string& where) {
  check_inline(t, where);
  if (t.data_type() != onnx::TensorProto::FLOAT)
    throw DataError(where + ": element type " + onnx::TensorProto::DataType_Name(
                                                    static_cast<onnx::TensorProto::DataType>(t.data_type())) +
                    ", expected FLOAT");
  const std::size_t n = element_count(t, where);
  std::vector<float> v;
  if (t.has_raw_data()) {
    v = raw_values<float>(t, n, where);
  } else {
    if (static_cast<std::size_t>(t.float_data_size()) != n)
      throw DataError(where + ": holds " + std::to_string(t.float_data_size()) + " values, its shape " +
                      dims_text({t.dims().begin(), t.dims().end()}) + " needs " + std::to_string(n));
    v.assign(t.float_data().begin(), t.float_data().end());
  }
  Tensor out = Tensor::from_shape(dims_of(t));
  std::copy(v.begin(), v.end(), out.data());
  return out;
}

std::vector<std::int64_t> int64_values(const onnx::TensorProto& t, const std::string& where) {
  check_inline(t, where);
  if (t.data_type() != onnx::TensorProto::INT64) throw DataError(where + ": expected an INT64 tensor");
  const std::size_t n = element_count(t, where);
  if (t.has_raw_data()) return raw_values<std::int64_t>(t, n, where);
  if (static_cast<std::size_t>(t.int64_data_size()) != n)
    throw DataError(where + ": holds " + std::to_string(t.int64_data_size()) + " values, its shape needs " +
                    std::to_string(n));
  return {t.int64_data().begin(), t.int64_data().end()};
}

void set_float_tensor(onnx::TensorProto& t, const std::string& name, const Tensor& values) {
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  for (const auto d : values.shape()) t.add_dims(static_cast<std::int64_t>(d));
  t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
}

void set_int64_tensor(onnx::TensorProto& t, const std::string& name, const std::vector<std::int64_t>& values) {
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  t.add_dims(static_cast<std::int64_t>(values.size()));
  for (const auto v : values) t.add_int64_data(v);
}

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

}  // namespace glassbox::onnx_io
