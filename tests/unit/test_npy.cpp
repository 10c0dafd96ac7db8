// .npy files: what we write numpy's format says, and broken files are named with the fault.
#define BOOST_TEST_MODULE npy
#include <cstdio>
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
