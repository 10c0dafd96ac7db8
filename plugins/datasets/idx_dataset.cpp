// idx: any MNIST-format pair of IDX files (images + labels, optionally a test pair),
// gzipped or not. Without a test pair, a stratified seeded `test_split` is held out.
#include "glassbox/error.h"
#include "glassbox/registry.h"
#include "idx_reader.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

LabeledData to_labeled(IdxSamples s, const std::vector<std::string>& names) {
  return LabeledData(image_sample_shape(s.sample_dims), std::move(s.pixels), std::move(s.labels), names,
                     1.0f / 255.0f);
}

class IdxDataset : public DatasetSource {
 public:
  std::string type() const override { return "idx"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    DatasetInfo info;
    info.name = "idx";
    info.description = "your own MNIST-format IDX files (images + labels, gzipped or not)";
    const std::string images = option<std::string>(options, "images", "");
    const std::string labels = option<std::string>(options, "labels", "");
    if (images.empty() || labels.empty()) {
      info.available = false;
      info.install_hint = "a file format: set the data options 'images' and 'labels' (and optionally "
                          "'test_images', 'test_labels') to IDX files";
      return info;
    }
    info.location = images;
    IdxArray h = read_idx_header(images);
    if (h.dims.size() < 2) throw DataError(images + ": an IDX images file needs at least 2 dimensions");
    info.sample_shape = image_sample_shape({h.dims.begin() + 1, h.dims.end()});
    const std::string test_images = option<std::string>(options, "test_images", "");
    if (!test_images.empty()) {
      info.train_size = h.dims[0];
      info.test_size = read_idx_header(test_images).dims[0];
    } else {
      const double f = required_option<double>(options, "test_split");
      info.test_size = static_cast<std::size_t>(f * static_cast<double>(h.dims[0]) + 0.5);
      info.train_size = h.dims[0] - info.test_size;
    }
    if (options.contains("class_names")) info.class_names = class_names_option(options, -1);
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const auto images = required_option<std::string>(options, "images");
    const auto labels = required_option<std::string>(options, "labels");
    const std::string test_images = option<std::string>(options, "test_images", "");
    const std::string test_labels = option<std::string>(options, "test_labels", "");
    if (test_images.empty() != test_labels.empty())
      throw ConfigError("options 'test_images' and 'test_labels' go together: give both or neither");
    IdxSamples train = read_idx_samples(images, labels);
    IdxSamples test;
    if (!test_images.empty()) {
      test = read_idx_samples(test_images, test_labels);
      if (test.sample_dims != train.sample_dims)
        throw DataError(test_images + ": its images have a different shape than those of " + images);
    }
    const auto names = class_names_option(options, std::max(train.max_label, test.max_label));
    check_idx_labels(train, labels, names.size());
    if (!test_images.empty()) check_idx_labels(test, test_labels, names.size());
    LabeledData all = to_labeled(std::move(train), names);
    if (test_images.empty())
      return holdout_split(all, required_option<double>(options, "test_split"),
                           required_option<std::uint64_t>(options, "data_seed"));
    return {std::move(all), to_labeled(std::move(test), names)};
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_idx_dataset() { return std::make_unique<IdxDataset>(); }

}  // namespace glassbox::plugins
