// fashion-mnist: Zalando's Fashion-MNIST (60,000 train / 10,000 test, 28x28 grey images
// of 10 clothing classes) from Debian's dataset-fashion-mnist package, IDX .gz files.
#include "data_folder.h"
#include "glassbox/error.h"
#include "glassbox/registry.h"
#include "idx_reader.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

const char* const kInstallHint =
    "apt-get install dataset-fashion-mnist (installs /usr/share/datasets/fashion-mnist/*.gz), "
    "or set the 'path' option to a folder holding the four IDX files";

// The labels as the dataset's README lists them (label 0..9).
std::vector<std::string> fashion_class_names() {
  return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
}

// "<dir>/<name>.gz", or the uncompressed file when only that exists.
std::string idx_file(const std::string& dir, const std::string& name) {
  const std::string gz = dir + "/" + name + ".gz";
  if (file_exists(gz) || !file_exists(dir + "/" + name)) return gz;
  return dir + "/" + name;
}

class FashionMnist : public DatasetSource {
 public:
  std::string type() const override { return "fashion-mnist"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    DatasetInfo info;
    info.name = "fashion-mnist";
    info.description = "Fashion-MNIST (Zalando): 70,000 1x28x28 grey images of 10 clothing classes, "
                       "official split 60,000 train / 10,000 test";
    info.sample_shape = {1, 28, 28};
    info.class_names = fashion_class_names();
    const std::string dir = required_option<std::string>(options, "path");
    info.location = dir;
    const std::string train = idx_file(dir, "train-images-idx3-ubyte");
    const std::string test = idx_file(dir, "t10k-images-idx3-ubyte");
    if (!file_exists(train) || !file_exists(test) || !file_exists(idx_file(dir, "train-labels-idx1-ubyte")) ||
        !file_exists(idx_file(dir, "t10k-labels-idx1-ubyte"))) {
      info.available = false;
      info.install_hint = kInstallHint;
      return info;
    }
    info.train_size = read_idx_header(train).dims[0];
    info.test_size = read_idx_header(test).dims[0];
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const std::string dir = required_option<std::string>(options, "path");
    const std::string train_images = idx_file(dir, "train-images-idx3-ubyte");
    if (!file_exists(train_images))
      throw DataError("fashion-mnist: " + train_images + " is missing; " + kInstallHint);
    const auto names = fashion_class_names();
    DatasetSplits out;
    const std::pair<const char*, LabeledData*> parts[] = {{"train", &out.train}, {"t10k", &out.test}};
    for (const auto& [prefix, target] : parts) {
      const std::string images = idx_file(dir, std::string(prefix) + "-images-idx3-ubyte");
      const std::string labels = idx_file(dir, std::string(prefix) + "-labels-idx1-ubyte");
      IdxSamples s = read_idx_samples(images, labels);
      if (s.sample_dims != std::vector<std::size_t>{28, 28})
        throw DataError(images + ": expected 28x28 images");
      check_idx_labels(s, labels, names.size());
      *target = LabeledData({1, 28, 28}, std::move(s.pixels), std::move(s.labels), names, 1.0f / 255.0f);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_fashion_mnist() { return std::make_unique<FashionMnist>(); }

}  // namespace glassbox::plugins
