// npy: samples x.npy (uint8 or float32/float64, shape (N, ...)) and integer labels
// y.npy (shape (N,) or (N, 1)); optionally test_x.npy / test_y.npy, else a seeded
// stratified `test_split`. uint8 samples are stored as bytes and scaled to 0..1.
#include "data_folder.h"
#include "glassbox/error.h"
#include "glassbox/npy.h"
#include "glassbox/registry.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

struct NpyFiles {
  std::string x, y, test_x, test_y;
};

NpyFiles files_from(const nlohmann::json& options) {
  NpyFiles f;
  const std::string dir = option<std::string>(options, "path", "");
  f.x = option<std::string>(options, "x", dir.empty() ? "" : dir + "/x.npy");
  f.y = option<std::string>(options, "y", dir.empty() ? "" : dir + "/y.npy");
  f.test_x = option<std::string>(options, "test_x", "");
  f.test_y = option<std::string>(options, "test_y", "");
  if (!dir.empty() && f.test_x.empty() && f.test_y.empty() && file_exists(dir + "/test_x.npy")) {
    f.test_x = dir + "/test_x.npy";
    f.test_y = dir + "/test_y.npy";
  }
  if (f.test_x.empty() != f.test_y.empty())
    throw ConfigError("options 'test_x' and 'test_y' go together: give both or neither");
  return f;
}

struct Part {
  Shape sample_shape;
  NpyArray x;
  std::vector<int> labels;
  int max_label = -1;
};

Part read_part(const std::string& x_path, const std::string& y_path) {
  Part p;
  p.x = read_npy(x_path);
  if (p.x.dtype != "|u1" && p.x.dtype != "<u1" && p.x.dtype != "<f4" && p.x.dtype != "<f8")
    throw DataError(x_path + ": dtype '" + p.x.dtype + "' is not supported for samples (expected uint8 '|u1' "
                    "or float32 '<f4')");
  if (p.x.shape.size() < 2)
    throw DataError(x_path + ": samples need shape (N, ...) with at least 2 dimensions, got " +
                    shape_to_string(p.x.shape));
  // Each sample must hold values (a count of 0 is an empty set; a sample dimension of 0 or
  // one too large for any file would leave no usable sample shape).
  std::size_t sample_values = 1;
  for (std::size_t i = 1; i < p.x.shape.size(); ++i) {
    const std::size_t d = p.x.shape[i];
    if (d == 0 || sample_values > (std::size_t{1} << 40) / d)
      throw DataError(x_path + ": samples of shape " + shape_to_string({p.x.shape.begin() + 1, p.x.shape.end()}) +
                      (d == 0 ? " hold no values" : " are impossibly large") + " (shape " + shape_to_string(p.x.shape) + ")");
    sample_values *= d;
  }
  p.sample_shape = image_sample_shape({p.x.shape.begin() + 1, p.x.shape.end()});
  NpyArray y = read_npy(y_path);
  if (y.dtype.find('f') != std::string::npos || y.dtype.find('b') != std::string::npos)
    throw DataError(y_path + ": labels must be integers, got dtype '" + y.dtype + "'");
  if (!(y.shape.size() == 1 || (y.shape.size() == 2 && y.shape[1] == 1)))
    throw DataError(y_path + ": labels need shape (N,) or (N, 1), got " + shape_to_string(y.shape));
  if (y.shape[0] != p.x.shape[0])
    throw DataError(x_path + " holds " + std::to_string(p.x.shape[0]) + " samples but " + y_path + " holds " +
                    std::to_string(y.shape[0]) + " labels");
  const auto raw = y.as_int();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] < 0 || raw[i] > 1000000)
      throw DataError(y_path + ": label " + std::to_string(raw[i]) + " at index " + std::to_string(i) +
                      " is not a class number (0, 1, 2, ...)");
    p.labels.push_back(static_cast<int>(raw[i]));
    p.max_label = std::max(p.max_label, p.labels.back());
  }
  return p;
}

void check_labels(const Part& p, std::size_t num_classes, const std::string& y_path) {
  for (std::size_t i = 0; i < p.labels.size(); ++i)
    if (static_cast<std::size_t>(p.labels[i]) >= num_classes)
      throw DataError(y_path + ": label " + std::to_string(p.labels[i]) + " at index " + std::to_string(i) +
                      " is out of range (" + std::to_string(num_classes) + " class names given)");
}

LabeledData to_labeled(Part p, const std::vector<std::string>& names) {
  if (p.x.dtype == "|u1" || p.x.dtype == "<u1") {
    std::vector<std::uint8_t> px(p.x.bytes.begin(), p.x.bytes.end());
    return LabeledData(p.sample_shape, std::move(px), std::move(p.labels), names, 1.0f / 255.0f);
  }
  return LabeledData(p.sample_shape, p.x.as_float(), std::move(p.labels), names);
}

class NpyDataset : public DatasetSource {
 public:
  std::string type() const override { return "npy"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    DatasetInfo info;
    info.name = "npy";
    info.description = "your own NumPy arrays: x.npy (uint8 or float32, shape (N, ...)) + y.npy (integer labels)";
    const NpyFiles f = files_from(options);
    if (f.x.empty() || f.y.empty()) {
      info.available = false;
      info.install_hint = "a file format: set the data options 'x' and 'y' (or 'path', a folder with x.npy, "
                          "y.npy and optionally test_x.npy, test_y.npy)";
      return info;
    }
    DatasetSplits s = load(options);
    info.location = f.x;
    info.sample_shape = s.train.sample_shape();
    info.train_size = s.train.size();
    info.test_size = s.test.size();
    info.class_names = s.train.class_names();
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const NpyFiles f = files_from(options);
    if (f.x.empty() || f.y.empty()) throw ConfigError("the npy dataset needs options 'x' and 'y' (or 'path')");
    Part train = read_part(f.x, f.y);
    Part test;
    if (!f.test_x.empty()) {
      test = read_part(f.test_x, f.test_y);
      if (test.sample_shape != train.sample_shape)
        throw DataError(f.test_x + ": sample shape " + shape_to_string(test.sample_shape) + " differs from " +
                        f.x + "'s " + shape_to_string(train.sample_shape));
    }
    const auto names = class_names_option(options, std::max(train.max_label, test.max_label));
    check_labels(train, names.size(), f.y);
    if (!f.test_x.empty()) check_labels(test, names.size(), f.test_y);
    LabeledData all = to_labeled(std::move(train), names);
    if (f.test_x.empty())
      return holdout_split(all, required_option<double>(options, "test_split"),
                           required_option<std::uint64_t>(options, "data_seed"));
    return {std::move(all), to_labeled(std::move(test), names)};
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_npy_dataset() { return std::make_unique<NpyDataset>(); }

}  // namespace glassbox::plugins
