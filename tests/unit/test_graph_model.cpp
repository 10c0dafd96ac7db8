// Graph models (model.h, "Graph models") and the merge layers (merge_layer.h): forward
// values against a hand-written composition, finite-difference gradients of each merge
// and of whole graphs, shapes through merges, every configuration error, 1 and 2 compute
// threads, the sequential path untouched, save/load round trips and the summary.
#define BOOST_TEST_MODULE graph_model
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <functional>

#include <unistd.h>

#include "glassbox/error.h"
#include "glassbox/merge_layer.h"
#include "glassbox/parallel.h"
#include "layer_plugin.h"
#include "model_fixture.h"

using namespace glassbox;
using namespace glassbox::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs f and checks it throws ConfigError whose message holds every part.
void expect_config_error(const std::function<void()>& f, const std::vector<std::string>& parts) {
  try {
    f();
  } catch (const ConfigError& e) {
    for (const auto& p : parts) BOOST_TEST(contains(e.what(), p), "'" << p << "' not in: " << e.what());
    return;
  }
  BOOST_ERROR("no ConfigError (expected one holding '" + parts.front() + "')");
}


// A graph with every merge and fan-out: stem feeds b1, sum and cat; b1 feeds b2 and avg.
MyDeepLearning mixed_graph(unsigned long long seed = 3) {
  MyDeepLearning m(model_registry(), seed);
  m.add({{"type", "dense"}, {"name", "stem"}, {"units", 5}, {"activation", "tanh"}});
  m.add({{"type", "dense"}, {"name", "b1"}, {"units", 5}, {"activation", "tanh"}});
  m.add({{"type", "dense"}, {"name", "b2"}, {"units", 5}});
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"b2", "stem"}}});
  m.add({{"type", "average"}, {"name", "avg"}, {"inputs", {"sum", "b1"}}});
  m.add({{"type", "concatenate"}, {"name", "cat"}, {"inputs", {"avg", "stem"}}});
  m.add({{"type", "dense"}, {"name", "out"}, {"units", 3}});
  return m;
}

// A residual block on images: conv stem, conv branch, add, relu, pooling, flatten, dense.
// `activation` "tanh" keeps finite differences away from ReLU's kinks.
MyDeepLearning residual_cnn(unsigned long long seed = 5, const std::string& activation = "relu") {
  MyDeepLearning m(model_registry(), seed);
  m.add({{"type", "conv2d"}, {"name", "stem"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}, {"activation", activation}});
  m.add({{"type", "conv2d"}, {"name", "c1"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}, {"activation", activation}});
  m.add({{"type", "conv2d"}, {"name", "c2"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}});
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"c2", "stem"}}});
  m.add({{"type", activation}, {"name", "act"}});
  m.add({{"type", "max_pool2d"}, {"name", "pool"}, {"pool_size", 2}});
  m.add({{"type", "flatten"}, {"name", "flat"}});
  m.add({{"type", "dense"}, {"name", "out"}, {"units", 4}});
  return m;
}

void compile_sgd(MyDeepLearning& m, double lr = 0.05) {
  m.compile({{"type", "sgd"}, {"learning_rate", lr}}, "sparse_categorical_crossentropy");
}

// L = sum(y * R) for a merge layer's output, in double.
double weighted(const Tensor& y, const Tensor& r) {
  double s = 0;
  for (std::size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y.data()[i]) * r.data()[i];
  return s;
}

// Central differences of L = sum(merge(x_1..x_n) * R) against backward_merge(R).
void check_merge_gradients(const json& config, const std::vector<Shape>& shapes, std::size_t batch = 3) {
  auto layer = layer_registry().make_layer(config);
  MergeLayer* merge = as_merge(*layer);
  BOOST_TEST_REQUIRE(merge != nullptr);
  Rng rng(1);
  const Shape out_shape = merge->build_merge(shapes, rng);
  std::vector<Tensor> xs;
  std::vector<const Tensor*> ptrs;
  for (std::size_t k = 0; k < shapes.size(); ++k) xs.push_back(random_tensor(batch_shape(batch, shapes[k]), 10 + k));
  for (auto& x : xs) ptrs.push_back(&x);
  const Tensor r = random_tensor(batch_shape(batch, out_shape), 99);
  BOOST_TEST(shape_of(merge->forward_merge(ptrs, Mode::train)) == batch_shape(batch, out_shape));
  const std::vector<Tensor> grads = merge->backward_merge(r);
  BOOST_TEST_REQUIRE(grads.size() == shapes.size());
  const float eps = 1e-2f;
  std::size_t checked = 0;
  for (std::size_t k = 0; k < xs.size(); ++k) {
    BOOST_TEST(shape_of(grads[k]) == shape_of(xs[k]));
    for (std::size_t e = 0; e < xs[k].size(); ++e) {
      const float keep = xs[k].data()[e];
      xs[k].data()[e] = keep + eps;
      const double up = weighted(merge->forward_merge(ptrs, Mode::train), r);
      xs[k].data()[e] = keep - eps;
      const double down = weighted(merge->forward_merge(ptrs, Mode::train), r);
      xs[k].data()[e] = keep;
      const double numeric = (up - down) / (2.0 * eps);
      BOOST_TEST(std::abs(numeric - grads[k].data()[e]) < 1e-4, config.dump() << " input " << k << "[" << e
                                                                               << "]: numeric " << numeric << ", analytic "
                                                                               << grads[k].data()[e]);
      ++checked;
    }
  }
  BOOST_TEST(checked > 0);
}

// Finite differences of the mean loss over `data` against the parameter gradients one
// full-batch fit step leaves in the layers (taken before the step, weights restored).
void check_model_gradients(MyDeepLearning& m, const LabeledData& data) {
  compile_sgd(m, 1e-3);
  m.build(data.sample_shape());
  const std::vector<Tensor> w0 = m.get_weights();
  m.fit(data, FitOptions().epochs(1).batch_size(data.size()).shuffle(false).verbose(0));
  std::vector<Tensor> grads;
  for (auto& p : m.params()) grads.push_back(*p.grad);
  m.set_weights(w0);
  auto loss = [&] { return m.evaluate(data, data.size()).loss; };
  std::size_t checked = 0, failures = 0;
  auto params = m.params();
  for (std::size_t t = 0; t < params.size(); ++t) {
    Tensor& w = *params[t].value;
    for (std::size_t e = 0; e < w.size(); e += 1 + w.size() / 12) {
      const float keep = w.data()[e];
      const float eps = 1e-3f;
      w.data()[e] = keep + eps;
      const double up = loss();
      w.data()[e] = keep - eps;
      const double down = loss();
      w.data()[e] = keep;
      const double numeric = (up - down) / (2.0 * eps), analytic = grads[t].data()[e];
      ++checked;
      if (!(std::abs(numeric - analytic) <= 2e-3 + 2e-2 * std::max(std::abs(numeric), std::abs(analytic)))) {
        ++failures;
        BOOST_TEST_MESSAGE(params[t].name << "[" << e << "]: numeric " << numeric << ", analytic " << analytic);
      }
    }
  }
  BOOST_TEST(checked > 20);
  BOOST_TEST(failures == 0u, failures << " of " << checked << " derivatives differ");
}

}  // namespace

BOOST_AUTO_TEST_CASE(merge_layers_compute_sums_means_and_joins) {
  const Tensor a = random_tensor({2, 3}, 1), b = random_tensor({2, 3}, 2), c = random_tensor({2, 2}, 3);
  auto run = [](const json& config, const std::vector<const Tensor*>& xs) {
    auto layer = layer_registry().make_layer(config);
    std::vector<Shape> shapes;
    for (const Tensor* x : xs) shapes.push_back(Shape(x->shape().begin() + 1, x->shape().end()));
    Rng rng(1);
    as_merge(*layer)->build_merge(shapes, rng);
    return Tensor(as_merge(*layer)->forward_merge(xs, Mode::inference));
  };
  const Tensor sum = run({{"type", "add"}}, {&a, &b, &a});
  const Tensor mean = run({{"type", "average"}}, {&a, &b});
  const Tensor joined = run({{"type", "concatenate"}}, {&a, &c});
  BOOST_TEST(shape_of(joined) == (Shape{2, 5}));
  for (std::size_t n = 0; n < 2; ++n) {
    for (std::size_t j = 0; j < 3; ++j) {
      BOOST_TEST(sum(n, j) == a(n, j) + b(n, j) + a(n, j));
      BOOST_TEST(mean(n, j) == (a(n, j) + b(n, j)) * 0.5f);
      BOOST_TEST(joined(n, j) == a(n, j));
    }
    BOOST_TEST(joined(n, 3) == c(n, 0));
    BOOST_TEST(joined(n, 4) == c(n, 1));
  }
  // Channels of images (axis 1) and their last axis (-1).
  const Tensor p = random_tensor({2, 2, 3, 3}, 4), q = random_tensor({2, 1, 3, 3}, 5), s = random_tensor({2, 2, 3, 1}, 6);
  const Tensor channels = run({{"type", "concatenate"}, {"axis", 1}}, {&p, &q});
  const Tensor columns = run({{"type", "concatenate"}, {"axis", -1}}, {&p, &s});
  BOOST_TEST(shape_of(channels) == (Shape{2, 3, 3, 3}));
  BOOST_TEST(shape_of(columns) == (Shape{2, 2, 3, 4}));
  for (std::size_t n = 0; n < 2; ++n)
    for (std::size_t y = 0; y < 3; ++y)
      for (std::size_t x = 0; x < 3; ++x) {
        BOOST_TEST(channels(n, 0, y, x) == p(n, 0, y, x));
        BOOST_TEST(channels(n, 1, y, x) == p(n, 1, y, x));
        BOOST_TEST(channels(n, 2, y, x) == q(n, 0, y, x));
        BOOST_TEST(columns(n, 1, y, x) == p(n, 1, y, x));
        BOOST_TEST(columns(n, 1, y, 3) == s(n, 1, y, 0));
      }
}

BOOST_AUTO_TEST_CASE(merge_layer_gradients_match_finite_differences) {
  check_merge_gradients({{"type", "add"}}, {{4}, {4}, {4}});
  check_merge_gradients({{"type", "add"}}, {{2, 3, 3}, {2, 3, 3}});
  check_merge_gradients({{"type", "average"}}, {{5}, {5}});
  check_merge_gradients({{"type", "average"}}, {{2, 2, 2}, {2, 2, 2}, {2, 2, 2}});
  check_merge_gradients({{"type", "concatenate"}}, {{3}, {2}});
  check_merge_gradients({{"type", "concatenate"}, {"axis", 1}}, {{1, 3, 3}, {2, 3, 3}});
  check_merge_gradients({{"type", "concatenate"}, {"axis", 2}}, {{2, 1, 3}, {2, 2, 3}});
  check_merge_gradients({{"type", "concatenate"}, {"axis", -1}}, {{2, 3, 1}, {2, 3, 2}, {2, 3, 3}});
}

BOOST_AUTO_TEST_CASE(graph_forward_is_the_composition_of_its_layers) {
  MyDeepLearning m = mixed_graph();
  m.build({6});
  BOOST_TEST(m.is_graph());
  BOOST_TEST(m.output_shape() == (Shape{3}));
  BOOST_TEST(m.layer_output_shape(m.layer_index("cat")) == (Shape{10}));
  BOOST_TEST(m.layer_inputs(m.layer_index("sum")) == (std::vector<int>{2, 0}));
  BOOST_TEST(m.layer_inputs(0) == (std::vector<int>{MyDeepLearning::kModelInput}));
  const Tensor x = random_tensor({4, 6}, 8);
  // The same network by hand: clones of its layers and the merges written out.
  auto run = [&](const std::string& name, const Tensor& in) {
    auto l = m.layer(name).clone();
    return Tensor(l->forward(in, Mode::inference));
  };
  const Tensor stem = run("stem", x), b1 = run("b1", stem), b2 = run("b2", b1);
  Tensor sum = b2, avg = b2, cat = xt::zeros<float>({std::size_t{4}, std::size_t{10}});
  for (std::size_t n = 0; n < 4; ++n)
    for (std::size_t j = 0; j < 5; ++j) {
      sum(n, j) = b2(n, j) + stem(n, j);
      avg(n, j) = (sum(n, j) + b1(n, j)) * 0.5f;
      cat(n, j) = avg(n, j);
      cat(n, 5 + j) = stem(n, j);
    }
  const Tensor want = run("out", cat), got = m.predict(x);
  BOOST_TEST_REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) BOOST_TEST(got.data()[i] == want.data()[i]);
  // The hook sees every layer once, in execution order.
  std::vector<std::size_t> seen;
  m.forward(x, [&](std::size_t i, const Layer&, const Tensor&, const Tensor&) { seen.push_back(i); });
  BOOST_TEST(seen == m.execution_order());
  BOOST_TEST(seen.size() == m.size());
}

BOOST_AUTO_TEST_CASE(graph_gradients_match_finite_differences) {
  MyDeepLearning dense = mixed_graph();
  check_model_gradients(dense, blobs(24, 6, 3, 11));
  MyDeepLearning cnn = residual_cnn(5, "tanh");
  check_model_gradients(cnn, corner_images(16, 12));
  // Forward references: the order of "add" calls need not be the execution order.
  MyDeepLearning late(model_registry(), 9);
  late.add({{"type", "dense"}, {"name", "first"}, {"units", 4}, {"activation", "tanh"}, {"inputs", json::array({"input"})}});
  late.add({{"type", "dense"}, {"name", "later"}, {"units", 4}, {"activation", "tanh"}, {"inputs", json::array({"branch"})}});
  late.add({{"type", "dense"}, {"name", "branch"}, {"units", 4}, {"activation", "tanh"}, {"inputs", json::array({"first"})}});
  late.add({{"type", "concatenate"}, {"name", "cat"}, {"inputs", {"later", "first", "branch"}}});
  late.add({{"type", "dense"}, {"name", "out"}, {"units", 3}});
  late.build({6});
  BOOST_TEST(late.execution_order() == (std::vector<std::size_t>{0, 2, 1, 3, 4}));
  check_model_gradients(late, blobs(24, 6, 3, 13));
}

BOOST_AUTO_TEST_CASE(a_residual_graph_learns) {
  MyDeepLearning m = residual_cnn();
  m.compile({{"type", "adam"}, {"learning_rate", 0.01}}, "sparse_categorical_crossentropy");
  const LabeledData train = corner_images(256, 21), test = corner_images(128, 22);
  History h = m.fit(train, FitOptions().epochs(8).batch_size(32).verbose(0));
  BOOST_TEST(h.epochs.back().loss < h.epochs.front().loss);
  BOOST_TEST(m.evaluate(test).accuracy > 0.9);
}

BOOST_AUTO_TEST_CASE(the_errors_name_the_layer) {
  auto build = [](const std::vector<json>& layers, const Shape& in = {6}) {
    return [layers, in] {
      MyDeepLearning m(model_registry());
      for (const auto& l : layers) m.add(l);
      m.build(in);
    };
  };
  const json a = {{"type", "dense"}, {"name", "a"}, {"units", 4}};
  const json b = {{"type", "dense"}, {"name", "b"}, {"units", 5}, {"inputs", json::array({"input"})}};
  expect_config_error(build({a, {{"type", "add"}, {"name", "sum"}, {"inputs", {"a", "nope"}}}}),
                      {"layer 'sum' (add): unknown input 'nope'", "known: \"input\", a, sum"});
  expect_config_error(build({a, b, {{"type", "add"}, {"name", "sum"}, {"inputs", {"a", "b"}}}}),
                      {"layer 2 'sum' (add) cannot join its inputs 'a' (4,), 'b' (5,)",
                       "input 0 has shape (4,) and input 1 has shape (5,); add needs inputs of one shape"});
  expect_config_error(build({{{"type", "dense"}, {"name", "d0"}, {"units", 4}},
                             {{"type", "dense"}, {"name", "d1"}, {"units", 4}, {"inputs", json::array({"d2"})}},
                             {{"type", "dense"}, {"name", "d2"}, {"units", 4}, {"inputs", json::array({"d1"})}},
                             {{"type", "add"}, {"name", "out"}, {"inputs", {"d0", "d2"}}}}),
                      {"the layers form a cycle: 'd1' -> 'd2' -> 'd1'"});
  expect_config_error(build({{{"type", "dense"}, {"name", "self"}, {"units", 4}, {"inputs", json::array({"self"})}}}),
                      {"the layers form a cycle: 'self' -> 'self'"});
  expect_config_error(build({a, {{"type", "dense"}, {"name", "side"}, {"units", 4}, {"inputs", json::array({"a"})}},
                             {{"type", "dense"}, {"name", "out"}, {"units", 2}, {"inputs", json::array({"a"})}}}),
                      {"layer 'side' (dense): an unused branch", "only the last layer ('out')"});
  expect_config_error(build({a, b, {{"type", "dense"}, {"name", "two"}, {"units", 2}, {"inputs", {"a", "b"}}}}),
                      {"layer 'two' (dense) takes one input but \"inputs\" names 2", "merge layer"});
  expect_config_error(build({a, {{"type", "add"}, {"name", "lonely"}, {"inputs", json::array({"a"})}}}),
                      {"layer 'lonely' (add) is a merge layer and needs at least 2 inputs, \"inputs\" names 1"});
  expect_config_error(build({a, {{"type", "average"}, {"name", "seq"}}}),
                      {"layer 'seq' (average) is a merge layer and needs at least 2 inputs"});
  expect_config_error(build({{{"type", "dense"}, {"name", "x"}, {"units", 2}, {"inputs", "a"}}}),
                      {"layer 'x': \"inputs\" must be a non-empty list of layer names, got \"a\""});
  expect_config_error(build({{{"type", "dense"}, {"name", "x"}, {"units", 2}, {"inputs", json::array()}}}),
                      {"layer 'x': \"inputs\" must be a non-empty list"});
  expect_config_error(build({{{"type", "dense"}, {"name", "input"}, {"units", 2}}}),
                      {"layer name 'input' is reserved"});
  const json c1 = {{"type", "conv2d"}, {"name", "c1"}, {"filters", 2}, {"kernel_size", 3}};
  const json c2 = {{"type", "conv2d"}, {"name", "c2"}, {"filters", 3}, {"kernel_size", 3}, {"padding", "same"},
                   {"inputs", json::array({"input"})}};
  expect_config_error(build({c1, c2, {{"type", "concatenate"}, {"name", "cat"}, {"inputs", {"c1", "c2"}}}}, {1, 8, 8}),
                      {"'c1' (2, 6, 6), 'c2' (3, 8, 8)", "concatenate along axis 1 needs the other axes equal"});
  expect_config_error(build({c1, c2, {{"type", "concatenate"}, {"name", "cat"}, {"axis", 4}, {"inputs", {"c1", "c2"}}}},
                            {1, 8, 8}),
                      {"axis 4 does not exist for inputs of shape (2, 6, 6)"});
  expect_config_error(build({a, b, {{"type", "concatenate"}, {"name", "cat"}, {"axis", 0}, {"inputs", {"a", "b"}}}}),
                      {"option 'axis' is 0, the batch axis"});
  // A merge never runs on a single tensor.
  auto add = layer_registry().make_layer({{"type", "add"}, {"name", "s"}});
  Rng rng(1);
  expect_config_error([&] { add->build({3}, rng); }, {"layer 's' (add) is a merge layer and needs at least 2 inputs"});
}

BOOST_AUTO_TEST_CASE(explicit_default_inputs_keep_the_sequential_model) {
  auto make = [](bool explicit_inputs) {
    MyDeepLearning m(model_registry(), 17);
    m.add({{"type", "dense"}, {"name", "h"}, {"units", 8}, {"activation", "relu"}});
    json out = {{"type", "dense"}, {"name", "o"}, {"units", 3}};
    if (explicit_inputs) out["inputs"] = json::array({"h"});
    m.add(out);
    compile_sgd(m);
    return m;
  };
  MyDeepLearning plain = make(false), named = make(true);
  const LabeledData data = blobs(96, 6, 3, 4);
  plain.fit(data, FitOptions().epochs(2).batch_size(16).verbose(0));
  named.fit(data, FitOptions().epochs(2).batch_size(16).verbose(0));
  BOOST_TEST(!named.is_graph());
  BOOST_TEST(!plain.config()["layers"][1].contains("inputs"));
  const auto wp = plain.get_weights(), wn = named.get_weights();
  BOOST_TEST_REQUIRE(wp.size() == wn.size());
  for (std::size_t t = 0; t < wp.size(); ++t)
    BOOST_TEST(std::memcmp(wp[t].data(), wn[t].data(), wp[t].size() * sizeof(float)) == 0);
}

BOOST_AUTO_TEST_CASE(one_and_two_threads_train_a_graph_alike) {
  auto train = [](int threads) {
    set_compute_threads(threads);
    MyDeepLearning m = residual_cnn(31);
    m.compile({{"type", "adam"}, {"learning_rate", 0.01}}, "sparse_categorical_crossentropy");
    m.fit(corner_images(96, 32), FitOptions().epochs(2).batch_size(24).verbose(0));
    set_compute_threads(1);
    std::vector<float> w;
    for (const auto& t : m.get_weights()) w.insert(w.end(), t.begin(), t.end());
    return w;
  };
  const std::vector<float> one = train(1), two = train(2), again = train(2), one_again = train(1);
  BOOST_TEST_REQUIRE(one.size() == two.size());
  double worst = 0;
  for (std::size_t i = 0; i < one.size(); ++i) worst = std::max(worst, std::abs(double(one[i]) - two[i]));
  BOOST_TEST(worst < 1e-3, "worst difference between 1 and 2 threads " << worst);
  BOOST_TEST(two == again);
  BOOST_TEST(one == one_again);
}

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("glassbox-test-graph-" + std::to_string(::getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A residual block with batch norm in the branch (running statistics: non-trainable
// parameters) and a concatenation of two views of its output.
MyDeepLearning resnet_block(unsigned long long seed = 41) {
  MyDeepLearning m(model_registry(), seed);
  m.add({{"type", "conv2d"}, {"name", "stem"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}, {"activation", "relu"}});
  m.add({{"type", "conv2d"}, {"name", "c1"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}});
  m.add({{"type", "batch_normalization"}, {"name", "bn1"}});
  m.add({{"type", "relu"}, {"name", "r1"}});
  m.add({{"type", "conv2d"}, {"name", "c2"}, {"filters", 4}, {"kernel_size", 3}, {"padding", "same"}});
  m.add({{"type", "batch_normalization"}, {"name", "bn2"}});
  m.add({{"type", "add"}, {"name", "sum"}, {"inputs", {"bn2", "stem"}}});
  m.add({{"type", "relu"}, {"name", "r2"}});
  m.add({{"type", "global_avg_pool2d"}, {"name", "gap"}});
  m.add({{"type", "flatten"}, {"name", "flat"}, {"inputs", json::array({"r2"})}});
  m.add({{"type", "dense"}, {"name", "fc"}, {"units", 4}, {"activation", "relu"}});
  m.add({{"type", "concatenate"}, {"name", "cat"}, {"inputs", {"gap", "fc"}}});
  m.add({{"type", "dense"}, {"name", "out"}, {"units", 4}});
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_graph_saves_and_loads_bit_identically) {
  MyDeepLearning m = resnet_block();
  m.compile({{"type", "adam"}, {"learning_rate", 0.01}}, "sparse_categorical_crossentropy");
  m.fit(corner_images(64, 51), FitOptions().epochs(2).batch_size(16).verbose(0));
  const fs::path dir = temp_dir("resnet");
  m.save(dir.string());
  MyDeepLearning back = MyDeepLearning::load(dir.string(), model_registry());
  BOOST_TEST(back.is_graph());
  BOOST_TEST((back.config() == m.config()));
  BOOST_TEST(back.execution_order() == m.execution_order());
  const Tensor x = corner_images(20, 52).batch_range(0, 20);
  const Tensor a = m.predict(x), b = back.predict(x);
  BOOST_TEST_REQUIRE(a.size() == b.size());
  BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
  // model.json: each layer's name and inputs, one .npy per parameter.
  const json doc = json::parse(read_text((dir / "model.json").string()));
  const json& layers = doc["layers"];
  BOOST_TEST_REQUIRE(layers.size() == m.size());
  BOOST_TEST((layers[0]["inputs"] == json::array({"input"})));
  BOOST_TEST((layers[1]["inputs"] == json::array({"stem"})));
  BOOST_TEST((layers[6]["name"] == "sum"));
  BOOST_TEST((layers[6]["inputs"] == json({"bn2", "stem"})));
  BOOST_TEST((layers[9]["inputs"] == json::array({"r2"})));
  BOOST_TEST((layers[11]["inputs"] == json({"gap", "fc"})));
  BOOST_TEST(doc["weights"].size() == m.params().size());
  for (const auto& w : doc["weights"]) BOOST_TEST(fs::exists(dir / w["file"].get<std::string>()));
  // A second round trip writes the same files.
  const fs::path again = temp_dir("resnet-again");
  back.save(again.string());
  BOOST_TEST(read_text((again / "model.json").string()) == read_text((dir / "model.json").string()));
  for (const auto& w : doc["weights"])
    BOOST_TEST(read_text((again / w["file"].get<std::string>()).string()) ==
               read_text((dir / w["file"].get<std::string>()).string()));
}

BOOST_AUTO_TEST_CASE(a_model_file_with_a_broken_graph_is_refused_by_name) {
  MyDeepLearning m = mixed_graph();
  m.build({6});
  const fs::path dir = temp_dir("broken");
  m.save(dir.string());
  json doc = json::parse(read_text((dir / "model.json").string()));
  doc["layers"][3]["inputs"] = {"b2", "ghost"};
  write_text((dir / "model.json").string(), doc.dump(2));
  expect_config_error([&] { MyDeepLearning::load(dir.string(), model_registry()); },
                      {"model.json: layer 'sum' (add): unknown input 'ghost'"});
  doc["layers"][3]["inputs"] = "b2";
  write_text((dir / "model.json").string(), doc.dump(2));
  expect_config_error([&] { MyDeepLearning::load(dir.string(), model_registry()); },
                      {"model.json: layers.3: layer 'sum': \"inputs\" must be a non-empty list of layer names"});
}

BOOST_AUTO_TEST_CASE(the_summary_shows_what_each_layer_is_connected_to) {
  MyDeepLearning m = resnet_block();
  m.build({1, 8, 8});
  const std::string s = m.summary();
  BOOST_TEST(contains(s, "Model: \"functional\""));
  BOOST_TEST(contains(s, "Connected to"));
  auto line_of = [&](const std::string& start) {
    const std::size_t at = s.find(start);
    return at == std::string::npos ? std::string() : s.substr(at, s.find('\n', at) - at);
  };
  BOOST_TEST(contains(line_of(" sum (add)"), "(None, 4, 8, 8)"));
  BOOST_TEST(contains(line_of(" sum (add)"), "bn2, stem"));
  BOOST_TEST(contains(line_of(" cat (concatenate)"), "(None, 8)"));
  BOOST_TEST(contains(line_of(" cat (concatenate)"), "gap, fc"));
  BOOST_TEST(contains(line_of(" stem (conv2d) +relu"), "input"));
  BOOST_TEST(contains(line_of(" flat (flatten)"), "r2"));
  MyDeepLearning seq(model_registry());
  seq.add({{"type", "dense"}, {"units", 3}});
  seq.build({4});
  BOOST_TEST(!contains(seq.summary(), "Connected to"));
  BOOST_TEST(contains(seq.summary(), "Model: \"sequential\""));
}

BOOST_AUTO_TEST_CASE(the_residual_example_builds) {
  // examples/fashion-resnet.json: a stem and three residual blocks joined by add.
  const json doc = json::parse(read_text(GLASSBOX_SOURCE_DIR "/examples/fashion-resnet.json"));
  MyDeepLearning m(model_registry());
  for (const auto& l : doc["model"]["layers"]) m.add(l);
  m.build({1, 28, 28});
  BOOST_TEST(m.is_graph());
  BOOST_TEST(m.output_shape() == (Shape{10}));
  std::size_t adds = 0;
  for (std::size_t i = 0; i < m.size(); ++i) adds += m.layer(i).type() == "add";
  BOOST_TEST(adds == 3u);
  BOOST_TEST(m.layer_inputs(m.layer_index("block2_add")) ==
             (std::vector<int>{static_cast<int>(m.layer_index("block2_bn2")), static_cast<int>(m.layer_index("pool1"))}));
}
