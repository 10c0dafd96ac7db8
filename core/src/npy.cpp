#include "glassbox/npy.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>
#include <type_traits>

#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/folder_swap.h"

namespace glassbox {

namespace {

std::size_t dtype_size(const std::string& d) {
  if (d.size() < 3) return 0;
  return static_cast<std::size_t>(std::atoi(d.c_str() + 2));
}

// Whether v converts to T without undefined behaviour or a silent change of value: a
// float becomes an integer only when finite, whole and in range; a double becomes a float
// only when it is not finite or within float's range; integers only within T's range.
template <class T, class S>
bool representable(S v) {
  if constexpr (std::is_floating_point_v<S> && std::is_integral_v<T>) {
    // 2^63 is exact in float and double; the range is [-2^63, 2^63).
    constexpr S limit = static_cast<S>(9223372036854775808.0);
    return std::isfinite(v) && std::trunc(v) == v && v >= -limit && v < limit;
  } else if constexpr (std::is_floating_point_v<S> && std::is_floating_point_v<T>) {
    return !std::isfinite(v) || std::fabs(static_cast<double>(v)) <= std::numeric_limits<T>::max();
  } else if constexpr (std::is_integral_v<S> && std::is_integral_v<T>) {
    // Only uint64 can exceed int64 (the integer target is always int64).
    if constexpr (std::is_unsigned_v<S>)
      return static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
    return true;
  } else {
    return true;  // integer -> float: always defined
  }
}

template <class S>
[[noreturn]] void refuse_element(const NpyArray& a, std::size_t i, S v, const char* wanted) {
  std::ostringstream o;
  o << (a.source.empty() ? std::string(".npy data") : a.source) << ": element " << i << " is " << +v << ", which is not "
    << wanted << " value (dtype '" << a.dtype << "')";
  throw DataError(o.str());
}

template <class T>
void convert(const NpyArray& a, T* out) {
  const std::string& d = a.dtype;
  const char* p = a.bytes.data();
  const std::size_t n = a.size();
  auto read = [&](auto tag) {
    using S = decltype(tag);
    for (std::size_t i = 0; i < n; ++i) {
      S v;
      std::memcpy(&v, p + i * sizeof(S), sizeof(S));
      if (!representable<T>(v)) refuse_element(a, i, v, std::is_integral_v<T> ? "an integer" : "a float32");
      out[i] = static_cast<T>(v);
    }
  };
  if (d == "<f4") read(float{});
  else if (d == "<f8") read(double{});
  else if (d == "|u1" || d == "<u1") read(std::uint8_t{});
  else if (d == "|i1" || d == "<i1") read(std::int8_t{});
  else if (d == "<i2") read(std::int16_t{});
  else if (d == "<u2") read(std::uint16_t{});
  else if (d == "<i4") read(std::int32_t{});
  else if (d == "<u4") read(std::uint32_t{});
  else if (d == "<i8") read(std::int64_t{});
  else if (d == "<u8") read(std::uint64_t{});
  else if (d == "|b1") read(std::uint8_t{});
  else throw DataError("unsupported .npy dtype '" + d + "'");
}

std::string header_for(const std::string& dtype, const Shape& shape) {
  std::ostringstream h;
  h << "{'descr': '" << dtype << "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) h << shape[i] << (shape.size() == 1 || i + 1 < shape.size() ? "," : "") << (i + 1 < shape.size() ? " " : "");
  h << "), }";
  std::string s = h.str();
  // Pad so that magic(6)+version(2)+len(2)+header is a multiple of 64, ending in '\n'.
  std::size_t total = 10 + s.size() + 1;
  s.append((64 - total % 64) % 64, ' ');
  s += '\n';
  return s;
}

void write_raw(const std::string& path, const std::string& dtype, const Shape& shape,
               const void* data, std::size_t bytes) {
  std::string header = header_for(dtype, shape);
  std::string out;
  out.reserve(10 + header.size() + bytes);
  out.append("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out.push_back(static_cast<char>(len & 0xff));
  out.push_back(static_cast<char>(len >> 8));
  out += header;
  out.append(static_cast<const char*>(data), bytes);
  write_file_atomic(path, out);
}

}  // namespace

std::vector<float> NpyArray::as_float() const {
  std::vector<float> out(size());
  convert(*this, out.data());
  return out;
}

std::vector<std::int64_t> NpyArray::as_int() const {
  std::vector<std::int64_t> out(size());
  convert(*this, out.data());
  return out;
}

namespace {

// The dtypes convert() reads (the little-endian numeric ones).
bool supported_dtype(const std::string& d) {
  static const char* const kSupported[] = {"<f4", "<f8", "|u1", "<u1", "|i1", "<i1", "<i2",
                                           "<u2", "<i4", "<u4", "<i8", "<u8", "|b1"};
  for (const char* s : kSupported)
    if (d == s) return true;
  return false;
}

// The header text after the magic, version and header length (format versions 1 to 3).
// `read(out, n)` returns the bytes it read.
template <class Read>
std::string read_header(Read& read, const std::string& path) {
  char magic[8];
  if (read(magic, 8) != 8 || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    throw DataError(path + ": not a .npy file (bad magic at byte 0)");
  const int major = static_cast<unsigned char>(magic[6]);
  std::size_t header_len = 0;
  if (major == 1) {
    unsigned char l[2] = {};
    if (read(l, 2) != 2) throw DataError(path + ": truncated .npy header");
    header_len = l[0] | (l[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char l[4] = {};
    if (read(l, 4) != 4) throw DataError(path + ": truncated .npy header");
    header_len = l[0] | (l[1] << 8) | (l[2] << 16) | (static_cast<std::size_t>(l[3]) << 24);
  } else {
    throw DataError(path + ": unsupported .npy format version " + std::to_string(major));
  }
  if (header_len > (1u << 20)) throw DataError(path + ": oversized .npy header");
  std::string header(header_len, '\0');
  if (read(header.data(), header_len) != header_len) throw DataError(path + ": truncated .npy header");
  return header;
}

// The header from just after "'key':" to its end.
std::string header_field(const std::string& header, const std::string& key, const std::string& path) {
  auto k = header.find("'" + key + "'");
  if (k == std::string::npos) throw DataError(path + ": .npy header has no '" + key + "' field: " + header);
  auto colon = header.find(':', k);
  if (colon == std::string::npos) throw DataError(path + ": malformed .npy header: " + header);
  return header.substr(colon + 1);
}

std::string header_dtype(const std::string& header, const std::string& path) {
  const std::string descr = header_field(header, "descr", path);
  auto q1 = descr.find('\'');
  auto q2 = descr.find('\'', q1 + 1);
  if (q1 == std::string::npos || q2 == std::string::npos) throw DataError(path + ": malformed 'descr' in .npy header");
  const std::string dtype = descr.substr(q1 + 1, q2 - q1 - 1);
  if (dtype.size() >= 2 && dtype[0] == '>' && dtype_size(dtype) > 1)
    throw DataError(path + ": big-endian dtype '" + dtype + "' is not supported (save as little-endian)");
  if (!supported_dtype(dtype))
    throw DataError(path + ": unsupported dtype '" + dtype + "' (expected a numeric dtype such as <f4, |u1, <i8)");
  const std::string fortran = header_field(header, "fortran_order", path);
  if (fortran.find("True") < fortran.find(','))
    throw DataError(path + ": Fortran-ordered arrays are not supported (save with C order)");
  return dtype;
}

Shape header_shape(const std::string& header, const std::string& path) {
  const std::string shape = header_field(header, "shape", path);
  auto p1 = shape.find('(');
  auto p2 = shape.find(')');
  if (p1 == std::string::npos || p2 == std::string::npos) throw DataError(path + ": malformed 'shape' in .npy header");
  std::stringstream ss(shape.substr(p1 + 1, p2 - p1 - 1));
  std::string dim;
  Shape out;
  while (std::getline(ss, dim, ',')) {
    auto b = dim.find_first_not_of(' ');
    if (b == std::string::npos) continue;
    try {
      out.push_back(std::stoul(dim.substr(b)));
    } catch (...) {
      throw DataError(path + ": malformed dimension '" + dim + "' in .npy shape");
    }
  }
  return out;
}

// The data's size in bytes, checked before anything is allocated: a damaged header must
// not make us reserve terabytes (or overflow the size computation).
std::size_t data_bytes(const NpyArray& a, const std::string& path) {
  std::size_t count = 1;
  for (std::size_t d : a.shape) {
    if (d != 0 && count > (std::size_t{1} << 40) / d)
      throw DataError(path + ": .npy header declares an impossibly large shape " + shape_to_string(a.shape));
    count *= d;
  }
  return count * dtype_size(a.dtype);
}

}  // namespace

NpyArray read_npy(const std::string& path) {
  InputFile f = open_regular_file(path, kMaxDataFileBytes, ".npy file");
  std::size_t offset = 0;  // bytes read so far
  auto read = [&](void* out, std::size_t n) {
    const std::size_t got = f.read(out, n);
    offset += got;
    return got;
  };
  const std::string header = read_header(read, path);
  NpyArray a;
  a.dtype = header_dtype(header, path);
  a.shape = header_shape(header, path);
  const std::size_t bytes = data_bytes(a, path);
  // The file must hold exactly the data the header declares: nothing missing, nothing after.
  const std::size_t available = f.size() - offset;
  if (available != bytes)
    throw DataError(path + ": " + (available < bytes ? "truncated" : "oversized") + " .npy data: expected " +
                    std::to_string(bytes) + " bytes for shape " + shape_to_string(a.shape) + ", found " +
                    std::to_string(available) + " (data starts at byte " + std::to_string(offset) + ")");
  a.bytes.resize(bytes);
  const std::size_t got = read(a.bytes.data(), bytes);
  if (got != bytes)
    throw DataError(path + ": truncated .npy data: expected " + std::to_string(bytes) + " bytes for shape " +
                    shape_to_string(a.shape) + ", found " + std::to_string(got));
  a.source = path;
  return a;
}

void write_file_atomic(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot write (cannot create " + tmp + ": " + std::strerror(errno) + ")");
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  // The data reaches the disk before the rename makes it visible under `path`.
  const bool ok = done == content.size() && ::fsync(fd) == 0;
  const int err = errno;
  if (::close(fd) != 0 || !ok) {
    std::remove(tmp.c_str());
    throw Error(path + ": write failed (" + std::strerror(err) + ")");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename temporary file into place: " + std::strerror(e));
  }
  fsync_parent(path);
}

void write_npy(const std::string& path, const Tensor& t) {
  const Shape shape = shape_of(t);
  write_npy(path, t.data(), shape);
}
void write_npy(const std::string& path, const float* data, const Shape& shape) {
  write_raw(path, "<f4", shape, data, shape_size(shape) * sizeof(float));
}
void write_npy(const std::string& path, const std::uint8_t* data, const Shape& shape) {
  write_raw(path, "|u1", shape, data, shape_size(shape));
}
void write_npy(const std::string& path, const std::int32_t* data, const Shape& shape) {
  write_raw(path, "<i4", shape, data, shape_size(shape) * sizeof(std::int32_t));
}
void write_npy(const std::string& path, const std::int64_t* data, const Shape& shape) {
  write_raw(path, "<i8", shape, data, shape_size(shape) * sizeof(std::int64_t));
}

}  // namespace glassbox
