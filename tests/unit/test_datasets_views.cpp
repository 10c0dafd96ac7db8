// The data section of an experiment: class subsets and their complement, validation
// split, limits, normalization with training statistics only, and errors naming the
// experiment file and key.
#define BOOST_TEST_MODULE dataset_views
#include <cmath>

#include "datasets_fixture.h"
#include "glassbox/experiment_data.h"
#include "glassbox/npy.h"

using namespace glassbox;
using gbtest::has;
using nlohmann::json;

namespace {

ExperimentData data(json section) { return load_experiment_data(section, gbtest::dataset_registry(), "exp.json"); }

std::string config_error(json section) {
  try {
    data(section);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

json synthetic(json extra = json::object()) {
  json s = {{"dataset", "synthetic"}, {"num_classes", 5}, {"samples", 100}, {"test_samples", 50}};
  s.update(extra);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(class_subset_renumbers_in_the_given_order_and_keeps_originals) {
  ExperimentData e = data(synthetic({{"classes", {3, 1}}}));
  BOOST_TEST(e.classes == std::vector<int>({3, 1}), boost::test_tools::per_element());
  BOOST_TEST(e.train.size() == 40u);  // 20 of each class
  BOOST_TEST(e.train.num_classes() == 2u);
  BOOST_TEST(e.train.class_names() == std::vector<std::string>({"3", "1"}), boost::test_tools::per_element());
  for (std::size_t i = 0; i < e.train.size(); ++i) {
    BOOST_TEST((e.train.original_label(i) == 3 || e.train.original_label(i) == 1));
    BOOST_TEST(e.train.label(i) == (e.train.original_label(i) == 3 ? 0 : 1));
  }
  BOOST_TEST(e.test.size() == 20u);
}

BOOST_AUTO_TEST_CASE(unseen_is_the_test_samples_of_the_other_classes) {
  ExperimentData e = data(synthetic({{"classes", {1, 3}}}));
  BOOST_TEST(e.unseen_classes == std::vector<int>({0, 2, 4}), boost::test_tools::per_element());
  BOOST_TEST(e.unseen.size() == 30u);
  for (std::size_t i = 0; i < e.unseen.size(); ++i) {
    const int o = e.unseen.original_label(i);
    BOOST_TEST((o == 0 || o == 2 || o == 4));
  }
  ExperimentData explicit_unseen = data(synthetic({{"classes", {1, 3}}, {"unseen_classes", {2}}}));
  BOOST_TEST(explicit_unseen.unseen.size() == 10u);
  BOOST_TEST(explicit_unseen.unseen.original_label(0) == 2);
  // No subset: nothing is unseen.
  ExperimentData all = data(synthetic());
  BOOST_TEST(all.unseen.size() == 0u);
  BOOST_TEST(all.train.size() == 100u);
}

BOOST_AUTO_TEST_CASE(classes_may_be_given_by_name) {
  ExperimentData e = data(synthetic({{"classes", {"4", 0}}}));
  BOOST_TEST(e.classes == std::vector<int>({4, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_class_lists_name_the_file_and_key) {
  BOOST_TEST(config_error(synthetic({{"classes", {1, 12}}})) ==
             "exp.json: data.classes: class 12 does not exist (synthetic has classes 0..4)");
  BOOST_TEST(config_error(synthetic({{"classes", {1, 1}}})) == "exp.json: data.classes: class 1 is listed twice");
  BOOST_TEST(config_error(synthetic({{"classes", {1}}, {"unseen_classes", {1}}})) ==
             "exp.json: data.unseen_classes: class 1 is also in data.classes (unseen classes are the ones the model never sees)");
  BOOST_TEST(config_error({{"dataset", "nope"}}) == "exp.json: data: unknown dataset 'nope' (known: csv, fashion-mnist, idx, mnist-digits, mnist-digits-small, npy, synthetic)");
  BOOST_TEST(config_error(synthetic({{"normalize", "zscore"}})) ==
             "exp.json: data.normalize: expected \"scale\", \"standardize\" or \"none\", got \"zscore\"");
  BOOST_TEST(config_error(synthetic({{"validation_split", 1.5}})) ==
             "exp.json: data.validation_split: expected a fraction in [0, 1), got 1.5");
  BOOST_TEST(has(config_error(synthetic({{"images", "x"}})), "exp.json: data: dataset 'synthetic': unknown key 'images'"));
}

BOOST_AUTO_TEST_CASE(validation_split_is_stratified_and_seeded) {
  ExperimentData e = data(synthetic({{"validation_split", 0.2}, {"seed", 3}}));
  BOOST_TEST(e.validation.size() == 20u);  // 4 of each of 5 classes
  BOOST_TEST(e.train.size() == 80u);
  std::vector<int> per_class(5, 0);
  for (int l : e.validation.labels()) per_class[l]++;
  BOOST_TEST(per_class == std::vector<int>(5, 4), boost::test_tools::per_element());
  ExperimentData again = data(synthetic({{"validation_split", 0.2}, {"seed", 3}}));
  BOOST_TEST(again.validation.pixels_f32() == e.validation.pixels_f32());
  ExperimentData other = data(synthetic({{"validation_split", 0.2}, {"seed", 4}}));
  BOOST_TEST(!(other.validation.pixels_f32() == e.validation.pixels_f32()));
  // Without shuffling, like Keras: the last 20 samples.
  ExperimentData last = data(synthetic({{"validation_split", 0.2}, {"shuffle", false}}));
  ExperimentData full = data(synthetic());
  BOOST_TEST(last.validation.batch({0})(0, 0, 5, 5) == full.train.batch({80})(0, 0, 5, 5));
}

BOOST_AUTO_TEST_CASE(limits_cap_each_split) {
  ExperimentData e = data(synthetic({{"classes", {0, 1}}, {"limit", 15}, {"test_limit", 7}}));
  BOOST_TEST(e.train.size() == 15u);
  BOOST_TEST(e.test.size() == 7u);
  BOOST_TEST(e.unseen.size() == 7u);
  ExperimentData first = data(synthetic({{"limit", 3}, {"shuffle", false}}));
  BOOST_TEST(first.train.labels() == std::vector<int>({0, 1, 2}), boost::test_tools::per_element());
}

// Train features x = 0, 2, 4 (feature 0) and 1, 1, 1 (feature 1): mean (2, 1),
// population std (sqrt(8/3), 0). The test sample (5, 7) becomes ((5-2)/sqrt(8/3), 7-1).
BOOST_AUTO_TEST_CASE(standardize_uses_training_statistics_only) {
  const std::string dir = gbtest::scratch_dir();
  std::vector<float> x = {0, 1, 2, 1, 4, 1};
  std::vector<std::int32_t> y = {0, 1, 0};
  std::vector<float> tx = {5, 7};
  std::vector<std::int32_t> ty = {1};
  write_npy(dir + "/sx.npy", x.data(), {3, 2});
  write_npy(dir + "/sy.npy", y.data(), {3});
  write_npy(dir + "/stx.npy", tx.data(), {1, 2});
  write_npy(dir + "/sty.npy", ty.data(), {1});
  ExperimentData e = data({{"dataset", "npy"}, {"x", dir + "/sx.npy"}, {"y", dir + "/sy.npy"},
                           {"test_x", dir + "/stx.npy"}, {"test_y", dir + "/sty.npy"}, {"normalize", "standardize"}});
  Tensor t = e.test.batch({0});
  BOOST_TEST(t(0, 0) == 3.0 / std::sqrt(8.0 / 3.0), boost::test_tools::tolerance(1e-5));
  BOOST_TEST(t(0, 1) == 6.0f);
  Tensor tr = e.train.batch({0, 1, 2});
  BOOST_TEST(tr(0, 0) == -2.0 / std::sqrt(8.0 / 3.0), boost::test_tools::tolerance(1e-5));
  BOOST_TEST(tr(2, 1) == 0.0f);
}

BOOST_AUTO_TEST_CASE(normalize_none_gives_stored_byte_values) {
  const std::string dir = gbtest::scratch_dir();
  std::vector<std::uint8_t> x = {0, 255, 51, 7};
  std::vector<std::int32_t> y = {0, 1};
  write_npy(dir + "/nx.npy", x.data(), {2, 2});
  write_npy(dir + "/ny.npy", y.data(), {2});
  json s = {{"dataset", "npy"}, {"x", dir + "/nx.npy"}, {"y", dir + "/ny.npy"}, {"test_x", dir + "/nx.npy"},
            {"test_y", dir + "/ny.npy"}};
  BOOST_TEST(data(s).train.batch({1})(0, 0) == 51.0f / 255.0f, boost::test_tools::tolerance(1e-6f));
  s["normalize"] = "none";
  BOOST_TEST(data(s).train.batch({1})(0, 0) == 51.0f, boost::test_tools::tolerance(1e-4f));
}

BOOST_AUTO_TEST_CASE(describe_reports_sizes_and_class_names) {
  json d = data(synthetic({{"classes", {2, 0}}, {"validation_split", 0.1}})).describe();
  BOOST_TEST(d["class_names"] == json({"2", "0"}));
  BOOST_TEST(d["train"]["samples"] == 36);
  BOOST_TEST(d["validation"]["samples"] == 4);
  BOOST_TEST(d["unseen"]["samples"] == 30);
  BOOST_TEST(d["unseen_class_names"] == json({"1", "3", "4"}));
}
