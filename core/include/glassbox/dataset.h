#pragma once
// Datasets. A DatasetSource (a plugin) reads files and gives LabeledData splits.
// LabeledData keeps pixels in their source type (uint8 where the source is uint8) and
// converts a batch at a time to float.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/tensor.h"

namespace glassbox {

class LabeledData {
 public:
  LabeledData() = default;
  // uint8 storage; a batch is pixel * scale (e.g. 1/255 to land in 0..1).
  LabeledData(Shape sample_shape, std::vector<std::uint8_t> pixels, std::vector<int> labels,
              std::vector<std::string> class_names, float scale);
  // float storage.
  LabeledData(Shape sample_shape, std::vector<float> pixels, std::vector<int> labels,
              std::vector<std::string> class_names);

  std::size_t size() const { return labels_.size(); }
  const Shape& sample_shape() const { return sample_shape_; }
  std::size_t sample_size() const { return sample_size_; }
  std::size_t num_classes() const { return class_names_.size(); }
  const std::vector<std::string>& class_names() const { return class_names_; }
  const std::vector<int>& labels() const { return labels_; }
  int label(std::size_t i) const { return labels_[i]; }
  // Labels in the source dataset's numbering (differs from label() after a class subset).
  int original_label(std::size_t i) const;
  const std::vector<int>& original_labels() const { return original_labels_; }
  bool is_uint8() const { return !pixels_u8_.empty() || pixels_f32_.empty(); }

  // Writes the samples idx[0..n) as float into out (n * sample_size() floats).
  void gather(const std::size_t* idx, std::size_t n, float* out) const;
  Tensor batch(const std::vector<std::size_t>& idx) const;
  Tensor batch_range(std::size_t begin, std::size_t end) const;
  std::vector<int> batch_labels(const std::vector<std::size_t>& idx) const;

  // The samples idx, in that order, as a new LabeledData (copies).
  LabeledData select(const std::vector<std::size_t>& idx) const;
  // Keep only the given classes (in source numbering) and renumber them 0..k-1 in the
  // given order; class names and original labels are kept.
  LabeledData subset_classes(const std::vector<int>& classes) const;
  // Affine per-feature transform applied when batches are made: x' = (x*scale - mean)/std.
  void set_normalization(std::vector<float> mean, std::vector<float> inv_std);
  // The statistics set above (empty when there is none), so an input from elsewhere (an
  // image drawn on the web page) can be normalized exactly like the data.
  const std::vector<float>& normalization_mean() const { return norm_mean_; }
  const std::vector<float>& normalization_inv_std() const { return norm_inv_std_; }
  void set_original_labels(std::vector<int> original) { original_labels_ = std::move(original); }
  void set_class_names(std::vector<std::string> names) { class_names_ = std::move(names); }
  // The names of the classes in source numbering (before any subset).
  const std::vector<std::string>& source_class_names() const { return source_class_names_; }
  void set_source_class_names(std::vector<std::string> n) { source_class_names_ = std::move(n); }

  // Raw float features of sample i (before normalization), for statistics.
  void raw(std::size_t i, float* out) const;
  float scale() const { return scale_; }
  const std::vector<std::uint8_t>& pixels_u8() const { return pixels_u8_; }
  const std::vector<float>& pixels_f32() const { return pixels_f32_; }

 private:
  Shape sample_shape_;
  std::size_t sample_size_ = 0;
  std::vector<std::uint8_t> pixels_u8_;
  std::vector<float> pixels_f32_;
  std::vector<int> labels_;
  std::vector<int> original_labels_;
  std::vector<std::string> class_names_;
  std::vector<std::string> source_class_names_;
  float scale_ = 1.0f;
  std::vector<float> norm_mean_, norm_inv_std_;
};

struct DatasetSplits {
  LabeledData train;
  LabeledData test;
};

// What `glassbox datasets` shows without loading everything.
struct DatasetInfo {
  std::string name;
  std::string description;
  Shape sample_shape;
  std::size_t train_size = 0;
  std::size_t test_size = 0;
  std::vector<std::string> class_names;
  bool available = true;
  std::string install_hint;  // how to get the files when not available
  std::string location;      // where the files are read from
};

class DatasetSource {
 public:
  virtual ~DatasetSource() = default;
  virtual std::string type() const = 0;
  // May read headers only; sets available=false with an install hint when files are missing.
  virtual DatasetInfo describe(const nlohmann::json& options) const = 0;
  // Reads the whole dataset; throws DataError naming the file and position on bad input.
  virtual DatasetSplits load(const nlohmann::json& options) const = 0;
};

}  // namespace glassbox
