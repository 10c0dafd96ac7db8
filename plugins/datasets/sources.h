#pragma once
// The dataset sources of this plugin (one file each) and what they share.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "glassbox/dataset.h"

namespace glassbox::plugins {

std::unique_ptr<DatasetSource> make_mnist_digits();
std::unique_ptr<DatasetSource> make_mnist_digits_small();
std::unique_ptr<DatasetSource> make_fashion_mnist();
std::unique_ptr<DatasetSource> make_idx_dataset();
std::unique_ptr<DatasetSource> make_csv_dataset();
std::unique_ptr<DatasetSource> make_npy_dataset();
std::unique_ptr<DatasetSource> make_synthetic_dataset();

// Seed of the fixed train/test split of datasets without an official one; a constant so
// the test set never changes with an experiment's seed.
constexpr std::uint64_t kDefaultDataSeed = 20240611;

// "0", "1", ... "n-1".
std::vector<std::string> numbered_class_names(std::size_t n);

// The `class_names` option when given (checked to be a list of strings), else
// numbered_class_names(max_label + 1).
std::vector<std::string> class_names_option(const nlohmann::json& options, int max_label);

// Splits one labelled set into train and test: round(fraction * n_c) samples of each class
// c go to test, chosen by a splitmix64 shuffle seeded with `seed`.
DatasetSplits holdout_split(const LabeledData& all, double fraction, std::uint64_t seed);

// 2-D samples (rows x cols) become 1 x rows x cols images (NCHW with one channel).
Shape image_sample_shape(const std::vector<std::size_t>& dims_after_count);

}  // namespace glassbox::plugins
