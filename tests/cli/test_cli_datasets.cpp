// `glassbox datasets` and bad data given to `glassbox run`: the listing, and one clear
// error line with a non-zero exit for every kind of broken data file.
#define BOOST_TEST_MODULE cli_datasets
#include <unistd.h>

#include <fstream>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "data_required.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;

namespace {

std::string tmp(const std::string& name) {
  static const std::string dir = [] {
    std::string d = "/tmp/glassbox-cli-datasets-" + std::to_string(::getpid());
    std::system(("mkdir -p " + d).c_str());
    return d;
  }();
  return dir + "/" + name;
}

std::string write(const std::string& name, const std::string& bytes) {
  std::ofstream(tmp(name), std::ios::binary) << bytes;
  return tmp(name);
}

std::string idx(const std::vector<unsigned>& dims, std::size_t values, unsigned char v = 0) {
  std::string b{'\0', '\0', '\x08', static_cast<char>(dims.size())};
  for (unsigned d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<char>((d >> s) & 0xff));
  return b + std::string(values, static_cast<char>(v));
}

// Runs an experiment whose data section is `data`; returns the result.
gbtest::CliResult run_with_data(const std::string& name, const json& data) {
  json exp = {{"name", name},
              {"data", data},
              {"model", {{"layers", {{{"type", "flatten"}}, {{"type", "dense"}, {"units", 2}}}}}},
              {"train", {{"epochs", 1}}}};
  const std::string cfg = write(name + ".json", exp.dump());
  return run_glassbox("--quiet run " + cfg + " --out " + tmp(name + "-out"));
}

std::size_t error_lines(const std::string& out) {
  std::size_t n = 0;
  for (std::size_t p = out.find("error"); p != std::string::npos; p = out.find("error", p + 1)) ++n;
  return n;
}

}  // namespace

json datasets_by_name() {
  auto r = run_glassbox("datasets --json");
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  const json listing = json::parse(r.out);
  json by_name = json::object();
  for (const auto& d : listing["datasets"]) by_name[d["name"].get<std::string>()] = d;
  return by_name;
}

BOOST_AUTO_TEST_CASE(datasets_json_lists_every_source) {
  json by_name = datasets_by_name();
  for (const char* n : {"mnist-digits", "mnist-digits-small", "fashion-mnist", "idx", "csv", "npy", "synthetic"})
    BOOST_TEST(by_name.contains(n), n);
  BOOST_TEST(by_name["synthetic"]["train_size"] == 800);
  BOOST_TEST(by_name["synthetic"]["test_size"] == 200);
  BOOST_TEST(by_name["idx"]["available"] == false);
}

BOOST_AUTO_TEST_CASE(installed_datasets_show_their_sizes_and_class_names,
                     *gbtest::needs_dataset("mnist-digits") * gbtest::needs_dataset("fashion-mnist")) {
  json by_name = datasets_by_name();
  const json& digits = by_name["mnist-digits"];
  BOOST_TEST(digits["available"] == true);
  BOOST_TEST(digits["train_size"] == 60000);
  BOOST_TEST(digits["test_size"] == 10000);
  BOOST_TEST(digits["sample_shape"] == json({1, 28, 28}));
  BOOST_TEST(digits["class_names"] == json({"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  const json& fashion = by_name["fashion-mnist"];
  BOOST_TEST(fashion["available"] == true);
  BOOST_TEST(fashion["train_size"] == 60000);
  BOOST_TEST(fashion["test_size"] == 10000);
  BOOST_TEST(fashion["class_names"][9] == "Ankle boot");
}

BOOST_AUTO_TEST_CASE(missing_digits_say_how_to_install_them) {
  auto r = run_glassbox("datasets mnist-digits", "GLASSBOX_DATA_DIR=" + tmp("empty"));
  BOOST_TEST(r.code == 0, r.out);
  BOOST_TEST(contains(r.out, "mnist-digits"), r.out);
  BOOST_TEST((contains(r.out, "60000 train") || contains(r.out, "scripts/fetch-data.sh")), r.out);
}

BOOST_AUTO_TEST_CASE(bad_class_in_data_section_exits_2_naming_file_and_key) {
  auto r = run_with_data("badclass", {{"dataset", "synthetic"}, {"classes", {1, 12}}});
  BOOST_TEST(r.code == 2, r.out);
  BOOST_TEST(contains(r.out, "badclass.json: data.classes: class 12 does not exist (synthetic has classes 0..3)"), r.out);
}

BOOST_AUTO_TEST_CASE(every_broken_data_file_exits_1_with_one_line_naming_file_and_position) {
  const std::string labels3 = write("labels3", idx({3}, 3));
  std::string truncated = idx({3, 2, 2}, 12);
  truncated.resize(truncated.size() - 2);
  std::string magic = idx({3, 2, 2}, 12);
  magic[1] = 0x42;
  std::string ragged = "0,1,2\n1,2\n";
  std::string text = "0,1,2\n1,a,2\n";
  std::string npy = std::string("\x93NUMPY\x01\x00", 8);
  std::string header = "{'descr': '<U3', 'fortran_order': False, 'shape': (2, 2), }";
  header.append(117 - header.size(), ' ');
  header += '\n';
  npy += static_cast<char>(header.size());
  npy += '\0';
  npy += header + std::string(48, '\0');
  struct Case {
    std::string name;
    json data;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"truncated", {{"dataset", "idx"}, {"images", write("trunc", truncated)}, {"labels", labels3}}, "truncated at byte 26"},
      {"magic", {{"dataset", "idx"}, {"images", write("magic", magic)}, {"labels", labels3}}, "wrong magic number at byte 0"},
      {"count", {{"dataset", "idx"}, {"images", write("count", idx({3, 2, 2}, 12))}, {"labels", write("l2", idx({2}, 2))}},
       "holds 3 images but"},
      {"range",
       {{"dataset", "idx"}, {"images", write("range", idx({3, 2, 2}, 12))}, {"labels", write("l9", idx({3}, 3, 9))},
        {"class_names", {"a", "b"}}},
       "byte 8: label 9 of sample 0 is out of range"},
      {"ragged", {{"dataset", "csv"}, {"path", write("ragged.csv", ragged)}}, "ragged.csv:2:4: ragged row"},
      {"text", {{"dataset", "csv"}, {"path", write("text.csv", text)}}, "text.csv:2:3: 'a' is not a number"},
      {"dtype", {{"dataset", "npy"}, {"x", write("u.npy", npy)}, {"y", write("uy.npy", npy)}}, "u.npy: unsupported dtype '<U3'"},
  };
  for (const auto& c : cases) {
    auto r = run_with_data("bad-" + c.name, c.data);
    BOOST_TEST(r.code == 1, c.name << ": " << r.out);
    BOOST_TEST(contains(r.out, c.expected), c.name << ": " << r.out);
    BOOST_TEST(error_lines(r.out) == 1u, c.name << ": " << r.out);
  }
}
