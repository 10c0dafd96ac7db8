#include <algorithm>
#include <map>

#include "glassbox/dataset.h"
#include "glassbox/error.h"

namespace glassbox {

LabeledData::LabeledData(Shape sample_shape, std::vector<std::uint8_t> pixels,
                         std::vector<int> labels, std::vector<std::string> class_names,
                         float scale)
    : sample_shape_(std::move(sample_shape)),
      sample_size_(shape_size(sample_shape_)),
      pixels_u8_(std::move(pixels)),
      labels_(std::move(labels)),
      class_names_(std::move(class_names)),
      scale_(scale) {
  if (pixels_u8_.size() != labels_.size() * sample_size_)
    throw DataError("dataset holds " + std::to_string(pixels_u8_.size()) + " values for " +
                    std::to_string(labels_.size()) + " samples of shape " +
                    shape_to_string(sample_shape_));
  original_labels_ = labels_;
  source_class_names_ = class_names_;
}

LabeledData::LabeledData(Shape sample_shape, std::vector<float> pixels, std::vector<int> labels,
                         std::vector<std::string> class_names)
    : sample_shape_(std::move(sample_shape)),
      sample_size_(shape_size(sample_shape_)),
      pixels_f32_(std::move(pixels)),
      labels_(std::move(labels)),
      class_names_(std::move(class_names)) {
  if (pixels_f32_.size() != labels_.size() * sample_size_)
    throw DataError("dataset holds " + std::to_string(pixels_f32_.size()) + " values for " +
                    std::to_string(labels_.size()) + " samples of shape " +
                    shape_to_string(sample_shape_));
  original_labels_ = labels_;
  source_class_names_ = class_names_;
}

int LabeledData::original_label(std::size_t i) const { return original_labels_[i]; }

void LabeledData::raw(std::size_t i, float* out) const {
  const std::size_t d = sample_size_;
  if (!pixels_u8_.empty()) {
    const std::uint8_t* src = pixels_u8_.data() + i * d;
    for (std::size_t k = 0; k < d; ++k) out[k] = static_cast<float>(src[k]) * scale_;
  } else {
    std::copy_n(pixels_f32_.data() + i * d, d, out);
  }
}

void LabeledData::gather(const std::size_t* idx, std::size_t n, float* out) const {
  const std::size_t d = sample_size_;
  const bool normalize = !norm_mean_.empty();
  for (std::size_t b = 0; b < n; ++b) {
    float* dst = out + b * d;
    raw(idx[b], dst);
    if (normalize)
      for (std::size_t k = 0; k < d; ++k) dst[k] = (dst[k] - norm_mean_[k]) * norm_inv_std_[k];
  }
}

Tensor LabeledData::batch(const std::vector<std::size_t>& idx) const {
  Tensor out = Tensor::from_shape(batch_shape(idx.size(), sample_shape_));
  gather(idx.data(), idx.size(), out.data());
  return out;
}

Tensor LabeledData::batch_range(std::size_t begin, std::size_t end) const {
  std::vector<std::size_t> idx(end - begin);
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = begin + i;
  return batch(idx);
}

std::vector<int> LabeledData::batch_labels(const std::vector<std::size_t>& idx) const {
  std::vector<int> out(idx.size());
  for (std::size_t i = 0; i < idx.size(); ++i) out[i] = labels_[idx[i]];
  return out;
}

LabeledData LabeledData::select(const std::vector<std::size_t>& idx) const {
  LabeledData out;
  out.sample_shape_ = sample_shape_;
  out.sample_size_ = sample_size_;
  out.class_names_ = class_names_;
  out.source_class_names_ = source_class_names_;
  out.scale_ = scale_;
  out.norm_mean_ = norm_mean_;
  out.norm_inv_std_ = norm_inv_std_;
  const std::size_t d = sample_size_;
  out.labels_.reserve(idx.size());
  out.original_labels_.reserve(idx.size());
  if (!pixels_u8_.empty()) out.pixels_u8_.reserve(idx.size() * d);
  else out.pixels_f32_.reserve(idx.size() * d);
  for (auto i : idx) {
    if (i >= size()) throw DataError("sample index " + std::to_string(i) + " out of range (size " + std::to_string(size()) + ")");
    out.labels_.push_back(labels_[i]);
    out.original_labels_.push_back(original_labels_[i]);
    if (!pixels_u8_.empty())
      out.pixels_u8_.insert(out.pixels_u8_.end(), pixels_u8_.begin() + i * d, pixels_u8_.begin() + (i + 1) * d);
    else
      out.pixels_f32_.insert(out.pixels_f32_.end(), pixels_f32_.begin() + i * d, pixels_f32_.begin() + (i + 1) * d);
  }
  return out;
}

LabeledData LabeledData::subset_classes(const std::vector<int>& classes) const {
  std::map<int, int> new_label;
  for (std::size_t k = 0; k < classes.size(); ++k) {
    int c = classes[k];
    if (c < 0 || static_cast<std::size_t>(c) >= source_class_names_.size())
      throw ConfigError("class " + std::to_string(c) + " does not exist (the dataset has classes 0.." +
                        std::to_string(source_class_names_.size() - 1) + ")");
    if (!new_label.emplace(c, static_cast<int>(k)).second)
      throw ConfigError("class " + std::to_string(c) + " is listed twice");
  }
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < size(); ++i)
    if (new_label.count(original_labels_[i])) idx.push_back(i);
  LabeledData out = select(idx);
  for (std::size_t i = 0; i < out.size(); ++i) out.labels_[i] = new_label.at(out.original_labels_[i]);
  out.class_names_.clear();
  for (int c : classes) out.class_names_.push_back(source_class_names_[c]);
  return out;
}

void LabeledData::set_normalization(std::vector<float> mean, std::vector<float> inv_std) {
  if (!mean.empty() && (mean.size() != sample_size_ || inv_std.size() != sample_size_))
    throw DataError("normalization statistics have " + std::to_string(mean.size()) +
                    " features, samples have " + std::to_string(sample_size_));
  norm_mean_ = std::move(mean);
  norm_inv_std_ = std::move(inv_std);
}

}  // namespace glassbox
