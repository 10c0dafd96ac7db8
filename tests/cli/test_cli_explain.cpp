// `glassbox explain` end to end on the user's own images: a model trained by `glassbox run`
// on the MNIST digits 1 and 3, a hand-drawn 28x28 PNG of a "1", and the files a user opens
// afterwards (.npy relevance of the input's shape, .png heatmap, .json summary); then the
// bad inputs: a corrupt PNG and a PNG of the wrong size. The model needs the digits
// (scripts/fetch-data.sh): without them the cases are skipped, and fail when CI=true.
#define BOOST_TEST_MODULE cli_explain
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "data_required.h"
#include "glassbox/explain/heatmap.h"
#include "glassbox/npy.h"

using gbtest::contains;
using gbtest::run_glassbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string tmp(const std::string& name) {
  static const std::string dir = [] {
    std::string d = "/tmp/glassbox-cli-explain-" + std::to_string(::getpid());
    fs::create_directories(d);
    return d;
  }();
  return dir + "/" + name;
}

// A white vertical stroke on black, as MNIST draws a "1".
std::string write_one_png(std::size_t size) {
  glassbox::explain::RgbImage img;
  img.width = img.height = size;
  img.rgb.assign(size * size * 3, 0);
  for (std::size_t y = size / 5; y < size - size / 5; ++y)
    for (std::size_t x = size / 2 - 1; x <= size / 2 + 1; ++x)
      for (int c = 0; c < 3; ++c) img.rgb[(y * size + x) * 3 + c] = 255;
  const std::string path = tmp("one-" + std::to_string(size) + ".png");
  glassbox::explain::write_png(path, img);
  return path;
}

// One trained model for the whole file.
const std::string& model_dir() {
  static const std::string dir = [] {
    json exp = {{"name", "explain-cli"},
                {"seed", 3},
                {"data", {{"dataset", "mnist-digits-small"}, {"classes", {1, 3}}, {"normalize", "scale"}}},
                {"model",
                 {{"layers",
                   {{{"type", "conv2d"}, {"filters", 4}, {"kernel_size", 3}, {"activation", "relu"}},
                    {{"type", "max_pool2d"}, {"pool_size", 2}},
                    {{"type", "flatten"}},
                    {{"type", "dense"}, {"units", 2}}}}}},
                {"train", {{"epochs", 1}, {"batch_size", 32}}}};
    std::ofstream(tmp("exp.json")) << exp.dump();
    auto r = run_glassbox("--quiet run " + tmp("exp.json") + " --out " + tmp("run"));
    BOOST_TEST_REQUIRE(r.code == 0, r.out);
    return tmp("run") + "/model";
  }();
  return dir;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_png_of_a_one_is_explained_into_npy_png_and_json, *gbtest::needs_dataset("mnist-digits-small")) {
  const std::string png = write_one_png(28);
  auto r = run_glassbox("--quiet explain --model " + model_dir() + " --input " + png +
                        " --method lrp --composite epsilon-plus --out " + tmp("explained"));
  BOOST_TEST_REQUIRE(r.code == 0, r.out);
  std::vector<fs::path> npy, pngs, jsons;
  for (const auto& e : fs::recursive_directory_iterator(tmp("explained"))) {
    if (e.path().extension() == ".npy") npy.push_back(e.path());
    if (e.path().extension() == ".png") pngs.push_back(e.path());
    if (e.path().extension() == ".json") jsons.push_back(e.path());
  }
  BOOST_TEST_REQUIRE(!npy.empty());
  BOOST_TEST(!pngs.empty());
  BOOST_TEST_REQUIRE(!jsons.empty());
  // The relevance has the input's shape; on a "1" the model trained on 1s and 3s says 1
  // (class index 0), and the relevance sums to the explained logit within the bias share.
  bool found_relevance = false;
  for (const auto& p : npy) {
    const glassbox::NpyArray arr = glassbox::read_npy(p.string());
    if (arr.size() != 784) continue;
    const std::vector<float> rel = arr.as_float();
    found_relevance = true;
    BOOST_TEST(arr.shape.back() == 28u);
    double mass_on_stroke = 0, mass = 0;
    for (std::size_t y = 0; y < 28; ++y)
      for (std::size_t x = 0; x < 28; ++x) {
        const double v = std::fabs(rel[y * 28 + x]);
        mass += v;
        if (x >= 12 && x <= 16) mass_on_stroke += v;
      }
    // The stroke is 3 of 28 columns; LRP's z+ on the first layer puts relevance where the
    // input is non-zero.
    BOOST_TEST(mass > 0.0);
    BOOST_TEST(mass_on_stroke / mass > 0.9, "share of |relevance| on the stroke: " << mass_on_stroke / mass);
  }
  BOOST_TEST(found_relevance);
  bool found_summary = false;
  for (const auto& p : jsons) {
    json j = json::parse(std::ifstream(p));
    if (!j.contains("explanations")) continue;
    found_summary = true;
    BOOST_TEST(j["count"].get<int>() == 1);
    const json& s = j["explanations"].at(0);
    BOOST_TEST(s["explained_class"].get<int>() == 0);
    BOOST_TEST(s["explained_class_name"].get<std::string>() == "1");
    BOOST_TEST(s["method"].get<std::string>() == "lrp");
    BOOST_TEST(std::fabs(s["conservation_error"].get<double>()) < 0.5);
    BOOST_TEST(fs::exists(tmp("explained") + "/" + s["files"]["heatmap"].get<std::string>()));
    BOOST_TEST(fs::exists(tmp("explained") + "/" + s["files"]["relevance"].get<std::string>()));
  }
  BOOST_TEST(found_summary);
}

BOOST_AUTO_TEST_CASE(a_corrupt_png_exits_nonzero_naming_the_file, *gbtest::needs_dataset("mnist-digits-small")) {
  const std::string bad = tmp("corrupt.png");
  std::ofstream(bad, std::ios::binary) << "\x89PNG\r\n\x1a\n this is not a PNG body";
  auto r = run_glassbox("--quiet explain --model " + model_dir() + " --input " + bad + " --out " + tmp("bad1"));
  BOOST_TEST(r.code != 0);
  BOOST_TEST(contains(r.out, "corrupt.png"), r.out);
  BOOST_TEST(contains(r.out, "corrupt or truncated PNG data (libpng: "), r.out);
  BOOST_TEST(!contains(r.out, "libpng error"), r.out);  // one line from glassbox, nothing from libpng
}

BOOST_AUTO_TEST_CASE(a_png_of_the_wrong_size_exits_nonzero_naming_both_sizes,
                     *gbtest::needs_dataset("mnist-digits-small")) {
  const std::string png = write_one_png(20);
  auto r = run_glassbox("--quiet explain --model " + model_dir() + " --input " + png + " --out " + tmp("bad2"));
  BOOST_TEST(r.code != 0);
  BOOST_TEST(contains(r.out, "one-20.png"), r.out);
  BOOST_TEST(contains(r.out, "28"), r.out);
}
