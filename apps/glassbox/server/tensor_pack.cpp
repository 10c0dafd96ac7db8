#include "tensor_pack.h"

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace glassbox::server {

using nlohmann::json;

json TensorPack::add(const float* data, std::size_t count, const std::vector<std::size_t>& shape) {
  json d = {{"offset", data_.size() * sizeof(float)}, {"length", count}, {"shape", shape}};
  data_.insert(data_.end(), data, data + count);
  return d;
}

json TensorPack::add(const Tensor& t) {
  const Shape shape = shape_of(t);
  // xarray is row-major and contiguous, so its storage is the C-order data.
  return add(t.data(), t.size(), shape);
}

std::string TensorPack::finish(const json& header) const {
  std::string h = header.dump(-1, ' ', false, json::error_handler_t::replace);
  std::uint32_t n = static_cast<std::uint32_t>(h.size());
  std::string out = "GBX1";
  unsigned char len[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                          static_cast<unsigned char>(n >> 16), static_cast<unsigned char>(n >> 24)};
  out.append(reinterpret_cast<const char*>(len), 4);
  out += h;
  while (out.size() % 4) out += '\0';
  static_assert(sizeof(float) == 4, "float32 expected");
  // x86-64 and the browsers' typed arrays are little endian, so the bytes go as they are.
  out.append(reinterpret_cast<const char*>(data_.data()), data_.size() * sizeof(float));
  return out;
}

std::vector<float> UnpackedTensors::values(const json& d) const {
  std::size_t off = d.at("offset").get<std::size_t>() / sizeof(float);
  std::size_t len = d.at("length").get<std::size_t>();
  if (off + len > data.size()) throw std::runtime_error("tensor descriptor outside the data");
  return std::vector<float>(data.begin() + off, data.begin() + off + len);
}

UnpackedTensors unpack_tensors(const std::string& body) {
  if (body.size() < 8 || body.compare(0, 4, "GBX1") != 0) throw std::runtime_error("not a GBX1 body");
  std::uint32_t n = 0;
  for (int i = 3; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(body[4 + i]);
  if (8 + std::size_t(n) > body.size()) throw std::runtime_error("truncated GBX1 header");
  UnpackedTensors u;
  u.header = json::parse(body.substr(8, n));
  std::size_t start = 8 + n;
  while (start % 4) ++start;
  if (start > body.size() || (body.size() - start) % 4) throw std::runtime_error("bad GBX1 data size");
  u.data.resize((body.size() - start) / 4);
  std::memcpy(u.data.data(), body.data() + start, u.data.size() * 4);
  return u;
}

}  // namespace glassbox::server
