// Losses: values by hand, gradients against central finite differences, stability.
#define BOOST_TEST_MODULE losses
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "glassbox/error.h"
#include "glassbox/loss.h"

using namespace glassbox;

namespace {

Tensor make(const Shape& s, std::vector<float> v) {
  Tensor t = Tensor::from_shape(s);
  std::copy(v.begin(), v.end(), t.begin());
  return t;
}

// Gradient of the mean loss by central differences, in double around float inputs.
void check_gradient(const Loss& loss, Tensor z, const std::vector<int>& labels, double tol) {
  Tensor grad;
  loss.compute(z, labels.data(), &grad);
  const double n = static_cast<double>(z.shape()[0]);
  for (std::size_t i = 0; i < z.size(); ++i) {
    const float keep = z.data()[i];
    const float h = 1e-2f;
    z.data()[i] = keep + h;
    const double up = loss.compute(z, labels.data(), nullptr) / n;
    z.data()[i] = keep - h;
    const double down = loss.compute(z, labels.data(), nullptr) / n;
    z.data()[i] = keep;
    const double numeric = (up - down) / (2.0 * h);
    BOOST_TEST(grad.data()[i] == numeric, boost::test_tools::tolerance(tol));
    if (std::abs(numeric) < 1e-6) BOOST_TEST(std::abs(grad.data()[i]) < 1e-4);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(cross_entropy_from_logits_matches_hand_value) {
  // Logits (0, ln 2, ln 3) give softmax (1/6, 2/6, 3/6); label 2 -> loss ln 2.
  auto loss = make_loss("sparse_categorical_crossentropy");
  Tensor z = make({1, 3}, {0.0f, std::log(2.0f), std::log(3.0f)});
  int y = 2;
  Tensor g;
  const double l = loss->compute(z, &y, &g);
  BOOST_TEST(l == std::log(2.0), boost::test_tools::tolerance(1e-6));
  BOOST_TEST(g(0, 0) == 1.0f / 6, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(g(0, 1) == 2.0f / 6, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(g(0, 2) == 3.0f / 6 - 1, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(cross_entropy_is_stable_for_huge_logits) {
  auto loss = make_loss("categorical_crossentropy");
  Tensor z = make({2, 2}, {1000.0f, 0.0f, -1000.0f, 0.0f});
  std::vector<int> y = {0, 0};
  Tensor g;
  const double l = loss->compute(z, y.data(), &g);
  BOOST_TEST(std::isfinite(l));
  BOOST_TEST(l == 1000.0, boost::test_tools::tolerance(1e-6));  // first row 0, second 1000
  BOOST_TEST(g(1, 0) == -0.5f, boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(g(1, 1) == 0.5f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(loss_gradients_match_finite_differences) {
  Tensor z = make({3, 4}, {0.3f, -1.2f, 2.0f, 0.1f, -0.5f, 0.7f, 0.2f, -2.0f, 1.5f, 1.4f, -0.3f, 0.0f});
  std::vector<int> y = {2, 0, 3};
  check_gradient(*make_loss("sparse_categorical_crossentropy"), z, y, 2e-3);
  check_gradient(*make_loss("binary_crossentropy"), z, y, 2e-3);
  check_gradient(*make_loss("mse"), z, y, 2e-3);
  // Probability forms: rows of a softmax.
  Tensor p = make({2, 3}, {0.2f, 0.5f, 0.3f, 0.6f, 0.1f, 0.3f});
  std::vector<int> py = {1, 2};
  check_gradient(*make_loss("categorical_crossentropy", false), p, py, 5e-3);
  check_gradient(*make_loss("binary_crossentropy", false), p, py, 5e-3);
}

BOOST_AUTO_TEST_CASE(binary_crossentropy_hand_values) {
  // One logit unit: z = 0 gives loss ln 2 whatever the label; z = ln 3 (p = 3/4), y = 1: -ln 3/4.
  auto loss = make_loss("binary_crossentropy");
  Tensor z = make({2, 1}, {0.0f, std::log(3.0f)});
  std::vector<int> y = {0, 1};
  Tensor g;
  const double l = loss->compute(z, y.data(), &g);
  BOOST_TEST(l == std::log(2.0) - std::log(0.75), boost::test_tools::tolerance(1e-6));
  BOOST_TEST(g(0, 0) == 0.5f / 2, boost::test_tools::tolerance(1e-6f));     // (sigmoid - y) / N
  BOOST_TEST(g(1, 0) == -0.25f / 2, boost::test_tools::tolerance(1e-6f));
  // Stable for large logits: log1p(exp(-|z|)) never overflows.
  Tensor big = make({1, 1}, {-500.0f});
  int one = 1;
  BOOST_TEST(loss->compute(big, &one, nullptr) == 500.0, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(mse_against_one_hot_targets) {
  auto loss = make_loss("mean_squared_error");
  Tensor z = make({1, 2}, {0.5f, 0.5f});
  int y = 1;
  Tensor g;
  // ((0.5-0)^2 + (0.5-1)^2) / 2 = 0.25
  BOOST_TEST(loss->compute(z, &y, &g) == 0.25, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(g(0, 0) == 0.5f, boost::test_tools::tolerance(1e-6f));   // 2 * 0.5 / 2
  BOOST_TEST(g(0, 1) == -0.5f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_CASE(accuracy_counts_argmax_and_threshold) {
  Tensor z = make({3, 3}, {0.1f, 0.7f, 0.2f, 0.9f, 0.05f, 0.05f, 0.3f, 0.3f, 0.4f});
  std::vector<int> y = {1, 1, 2};
  BOOST_TEST(count_correct(z, y.data(), true) == 2u);
  Tensor b = make({3, 1}, {0.2f, -0.1f, 0.6f});
  std::vector<int> by = {1, 0, 1};
  BOOST_TEST(count_correct(b, by.data(), true) == 3u);   // logits: > 0
  BOOST_TEST(count_correct(b, by.data(), false) == 2u);  // probabilities: > 0.5
}

BOOST_AUTO_TEST_CASE(bad_label_and_unknown_loss_are_clear_errors) {
  auto loss = make_loss("sparse_categorical_crossentropy");
  Tensor z = make({1, 3}, {0, 0, 0});
  int y = 3;
  BOOST_CHECK_EXCEPTION(loss->compute(z, &y, nullptr), DataError, [](const DataError& e) {
    return std::string(e.what()).find("label 3") != std::string::npos;
  });
  BOOST_CHECK_EXCEPTION(make_loss("crossentropy"), ConfigError, [](const ConfigError& e) {
    return std::string(e.what()).find("sparse_categorical_crossentropy") != std::string::npos;
  });
}
