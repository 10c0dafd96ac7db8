// .npy files: what we write numpy's format says, and broken files are named with the fault.
#define BOOST_TEST_MODULE npy
#include <cmath>
#include <cstdio>
#include <vector>
#include <fstream>

#include <boost/test/unit_test.hpp>

#include "glassbox/error.h"
#include "glassbox/npy.h"

using namespace glassbox;

namespace {
std::string tmp(const std::string& name) { return "/tmp/glassbox-test-npy-" + std::to_string(::getpid()) + "-" + name; }
std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
std::string error_of(const std::string& path) {
  try {
    read_npy(path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

BOOST_AUTO_TEST_CASE(written_header_is_numpy_format_1_0_aligned_to_64) {
  std::string p = tmp("a.npy");
  float v[6] = {1, 2, 3, 4, 5, 6};
  write_npy(p, v, {2, 3});
  std::string s = slurp(p);
  BOOST_TEST(s.substr(0, 8) == std::string("\x93NUMPY\x01\x00", 8));
  std::size_t hlen = static_cast<unsigned char>(s[8]) | (static_cast<unsigned char>(s[9]) << 8);
  BOOST_TEST((10 + hlen) % 64 == 0u);
  std::string header = s.substr(10, hlen);
  BOOST_TEST(header.rfind("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 0) == 0, header);
  BOOST_TEST(header.back() == '\n');
  BOOST_TEST(s.size() == 10 + hlen + 24);
  std::remove(p.c_str());
}

BOOST_AUTO_TEST_CASE(round_trip_keeps_values_shape_and_dtype) {
  std::string p = tmp("b.npy");
  std::uint8_t v[4] = {0, 7, 200, 255};
  write_npy(p, v, {4});
  NpyArray a = read_npy(p);
  BOOST_TEST(a.dtype == "|u1");
  BOOST_TEST(a.shape == Shape{4});
  auto f = a.as_float();
  BOOST_TEST(f[2] == 200.0f);
  std::int64_t w[3] = {-1, 5, 1LL << 40};
  write_npy(p, w, {3, 1});
  auto b = read_npy(p);
  BOOST_TEST(b.shape == (Shape{3, 1}));
  BOOST_TEST(b.as_int()[2] == (1LL << 40));
  std::remove(p.c_str());
}

BOOST_AUTO_TEST_CASE(broken_files_are_named_with_the_fault) {
  std::string p = tmp("c.npy");
  { std::ofstream(p) << "PK\x03\x04 not numpy"; }
  BOOST_TEST(error_of(p) == p + ": not a .npy file (bad magic at byte 0)");

  float v[4] = {1, 2, 3, 4};
  write_npy(p, v, {4});
  std::string s = slurp(p);
  { std::ofstream(p, std::ios::binary) << s.substr(0, s.size() - 5); }
  BOOST_TEST(error_of(p).find(": truncated .npy data: expected 16 bytes for shape (4,), found 11") != std::string::npos, error_of(p));

  std::string bad = s;
  bad.replace(bad.find("<f4"), 3, "<c8");
  { std::ofstream(p, std::ios::binary) << bad; }
  BOOST_TEST(error_of(p).find("unsupported dtype '<c8'") != std::string::npos);

  bad = s;
  bad.replace(bad.find("False"), 5, "True ");
  { std::ofstream(p, std::ios::binary) << bad; }
  BOOST_TEST(error_of(p).find("Fortran-ordered arrays are not supported") != std::string::npos);
  std::remove(p.c_str());
}

BOOST_AUTO_TEST_CASE(atomic_write_leaves_no_temporary_file) {
  std::string p = tmp("d.json");
  write_file_atomic(p, "{}");
  BOOST_TEST(slurp(p) == "{}");
  BOOST_TEST(!std::ifstream(p + ".tmp." + std::to_string(::getpid())).good());
  BOOST_CHECK_THROW(write_file_atomic("/nonexistent-dir/x.json", "{}"), Error);
  std::remove(p.c_str());
}

namespace {
// A float .npy (as numpy.save writes it) holding `values`.
std::string float_npy(const std::string& name, const std::vector<float>& values) {
  const std::string p = tmp(name);
  write_npy(p, values.data(), Shape{values.size()});
  return p;
}
std::string as_int_error(const std::string& path) {
  try {
    read_npy(path).as_int();
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

// A float label file with NaN, 2.8e29 or 3.5 is refused before the conversion (which is
// undefined behaviour for NaN and values beyond int64), naming the file and the element.
BOOST_AUTO_TEST_CASE(float_values_that_are_not_integers_are_refused_naming_file_and_index) {
  const std::string p = float_npy("labels-nan.npy", {0, 1, std::nanf(""), 2});
  BOOST_TEST(as_int_error(p) == p + ": element 2 is nan, which is not an integer value (dtype '<f4')");
  const std::string q = float_npy("labels-huge.npy", {0, 2.8e29f});
  BOOST_TEST(as_int_error(q) == q + ": element 1 is 2.8e+29, which is not an integer value (dtype '<f4')");
  const std::string r = float_npy("labels-frac.npy", {1, 2, 3, 3.5f});
  BOOST_TEST(as_int_error(r) == r + ": element 3 is 3.5, which is not an integer value (dtype '<f4')");
  // -1 is an integer: it converts exactly (the npy dataset then refuses it as a label).
  const std::string s = float_npy("labels-neg.npy", {-1, 4});
  BOOST_TEST(read_npy(s).as_int() == (std::vector<std::int64_t>{-1, 4}));
  for (const auto& f : {p, q, r, s}) std::remove(f.c_str());
}

BOOST_AUTO_TEST_CASE(double_beyond_float_range_is_refused_by_as_float) {
  const std::string p = tmp("big.npy");
  const double v[2] = {1.0, 1e300};
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }";
  header.append(128 - 10 - header.size() - 1, ' ');
  header += '\n';
  std::string bytes("\x93NUMPY\x01\x00", 8);
  bytes.push_back(static_cast<char>(header.size()));
  bytes.push_back(0);
  bytes += header;
  bytes.append(reinterpret_cast<const char*>(v), sizeof v);
  { std::ofstream(p, std::ios::binary) << bytes; }
  try {
    read_npy(p).as_float();
    BOOST_FAIL("expected DataError");
  } catch (const DataError& e) {
    BOOST_TEST(std::string(e.what()) == p + ": element 1 is 1e+300, which is not a float32 value (dtype '<f8')");
  }
  std::remove(p.c_str());
}

// The file must hold exactly what the header declares, and be a regular file.
BOOST_AUTO_TEST_CASE(data_after_the_declared_shape_and_devices_are_refused) {
  const std::string p = tmp("long.npy");
  float v[4] = {1, 2, 3, 4};
  write_npy(p, v, {4});
  { std::ofstream(p, std::ios::binary | std::ios::app) << "junk"; }
  BOOST_TEST(error_of(p) == p + ": oversized .npy data: expected 16 bytes for shape (4,), found 20 (data starts at byte 128)");
  std::remove(p.c_str());
  BOOST_TEST(error_of("/dev/null") ==
             "/dev/null: not a regular file (a character device); expected a regular .npy file");
  BOOST_TEST(error_of("/tmp") == "/tmp: not a regular file (a folder); expected a regular .npy file");
}

BOOST_AUTO_TEST_CASE(uint64_beyond_int64_is_refused_by_as_int) {
  NpyArray a;
  a.dtype = "<u8";
  a.shape = {2};
  a.source = "big.npy";
  const std::uint64_t v[2] = {7, ~std::uint64_t{0}};
  a.bytes.assign(reinterpret_cast<const char*>(v), reinterpret_cast<const char*>(v) + sizeof v);
  try {
    a.as_int();
    BOOST_FAIL("expected DataError");
  } catch (const DataError& e) {
    BOOST_TEST(std::string(e.what()) == "big.npy: element 1 is 18446744073709551615, which is not an integer value (dtype '<u8')");
  }
}
