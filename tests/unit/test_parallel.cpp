// The compute pool (parallel.h) and the layers that split their work over it: every item
// is visited once, errors reach the caller, concurrent and nested regions stay correct,
// and a layer on two threads computes what it computes on one (to rounding), identically
// from run to run.
#define BOOST_TEST_MODULE parallel
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "glassbox/parallel.h"
#include "layer_plugin.h"

using namespace glassbox;
using namespace glassbox::testing;
using nlohmann::json;

namespace {

struct Threads {
  explicit Threads(int n) { set_compute_threads(n); }
  ~Threads() { set_compute_threads(1); }
};

struct Pass {
  std::vector<float> output, grad_input, param_grads;
};

Pass run_layer(const json& config, const Shape& sample, std::size_t batch, int threads,
               Gradients which = Gradients::input_and_params) {
  Threads t(threads);
  auto layer = make_layer(config, sample);
  Shape shape{batch};
  shape.insert(shape.end(), sample.begin(), sample.end());
  const Tensor x = random_tensor(shape, 11);
  const Tensor& y = layer->forward(x, Mode::train);
  Pass p;
  p.output.assign(y.begin(), y.end());
  const Tensor g = random_tensor(Shape(y.shape().begin(), y.shape().end()), 12);
  const Tensor& gx = layer->backward(g, which);
  if (which != Gradients::params_only) p.grad_input.assign(gx.begin(), gx.end());
  for (auto& ref : layer->params()) p.param_grads.insert(p.param_grads.end(), ref.grad->begin(), ref.grad->end());
  return p;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b, const std::string& what) {
  BOOST_TEST_REQUIRE(a.size() == b.size(), what);
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double scale = std::max(1.0, std::fabs(static_cast<double>(a[i])));
    worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]) / scale);
  }
  BOOST_TEST(worst < 1e-4, what << ": worst relative difference " << worst);
}

// One thread is the reference (its gradients are finite-difference checked in
// test_layer_gradients); two threads must agree with it and with themselves.
void expect_same_on_two_threads(const json& config, const Shape& sample, std::size_t batch,
                                Gradients which = Gradients::input_and_params) {
  const Pass one = run_layer(config, sample, batch, 1, which);
  const Pass two = run_layer(config, sample, batch, 2, which);
  const Pass again = run_layer(config, sample, batch, 2, which);
  const std::string name = config.dump();
  BOOST_TEST(!one.output.empty());
  expect_close(one.output, two.output, name + " output");
  expect_close(one.grad_input, two.grad_input, name + " input gradient");
  expect_close(one.param_grads, two.param_grads, name + " parameter gradients");
  BOOST_TEST((two.output == again.output && two.grad_input == again.grad_input &&
              two.param_grads == again.param_grads),
             name << ": two runs on two threads differ");
}

}  // namespace

BOOST_AUTO_TEST_CASE(chunks_cover_every_item_once) {
  Threads t(2);
  BOOST_TEST(compute_threads() == 2);
  BOOST_TEST(parallel_chunks(0, 1) == 0u);
  BOOST_TEST(parallel_chunks(1, 1) == 1u);
  BOOST_TEST(parallel_chunks(100, 60) == 1u);  // too little work to split
  BOOST_TEST(parallel_chunks(100, 50) == 2u);
  for (std::size_t n : {1u, 2u, 3u, 7u, 64u, 1001u}) {
    std::vector<int> hits(n, 0);
    std::vector<std::size_t> seen_chunks;
    std::mutex m;
    parallel_for(n, 1, [&](std::size_t chunk, std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) ++hits[i];
      std::lock_guard<std::mutex> lock(m);
      seen_chunks.push_back(chunk);
    });
    for (std::size_t i = 0; i < n; ++i) BOOST_TEST(hits[i] == 1, "n=" << n << " item " << i);
    BOOST_TEST(seen_chunks.size() == std::min<std::size_t>(n, 2));
  }
  const auto r = chunk_range(10, 3, 1);
  BOOST_TEST(r.first == 3u);
  BOOST_TEST(r.second == 6u);
}

// Each chunk waits until the other one has started: the region can only finish when two
// threads run a chunk each at the same time (one thread doing both would never return).
BOOST_AUTO_TEST_CASE(chunks_run_on_two_threads_at_once) {
  Threads t(2);
  std::thread::id ids[2];
  std::atomic<bool> started[2] = {false, false};
  parallel_for(2, 1, [&](std::size_t chunk, std::size_t, std::size_t) {
    ids[chunk] = std::this_thread::get_id();
    started[chunk] = true;
    while (!started[1 - chunk]) std::this_thread::yield();
  });
  BOOST_TEST((ids[0] == std::this_thread::get_id() || ids[1] == std::this_thread::get_id()));
  BOOST_TEST((ids[1] != ids[0]));
}

BOOST_AUTO_TEST_CASE(an_exception_in_a_worker_reaches_the_caller) {
  Threads t(2);
  BOOST_CHECK_EXCEPTION(parallel_for(2, 1,
                                     [](std::size_t chunk, std::size_t, std::size_t) {
                                       if (chunk == 1) throw std::runtime_error("chunk 1 failed");
                                     }),
                        std::runtime_error,
                        [](const std::runtime_error& e) { return std::string(e.what()) == "chunk 1 failed"; });
  // The pool still works afterwards.
  std::atomic<int> sum{0};
  parallel_for(10, 1, [&](std::size_t, std::size_t b, std::size_t e) { sum += static_cast<int>(e - b); });
  BOOST_TEST(sum.load() == 10);
}

BOOST_AUTO_TEST_CASE(nested_and_concurrent_regions) {
  Threads t(2);
  std::atomic<int> inner{0};
  parallel_for(4, 1, [&](std::size_t, std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i)
      parallel_for(8, 1, [&](std::size_t, std::size_t ib, std::size_t ie) { inner += static_cast<int>(ie - ib); });
  });
  BOOST_TEST(inner.load() == 32);
  // Two threads entering regions at once: one gets the pool, the other runs serially.
  std::atomic<long> total{0};
  auto hammer = [&] {
    for (int k = 0; k < 2000; ++k)
      parallel_for(100, 1, [&](std::size_t, std::size_t b, std::size_t e) { total += static_cast<long>(e - b); });
  };
  std::thread other(hammer);
  hammer();
  other.join();
  BOOST_TEST(total.load() == 2L * 2000 * 100);
}

BOOST_AUTO_TEST_CASE(dense_on_two_threads) {
  expect_same_on_two_threads({{"type", "dense"}, {"units", 96}, {"activation", "relu"}}, {48}, 64);
  expect_same_on_two_threads({{"type", "dense"}, {"units", 96}, {"activation", "softmax"}}, {48}, 64);
  expect_same_on_two_threads({{"type", "dense"}, {"units", 80}, {"use_bias", false}, {"activation", "tanh"}}, {40}, 33);
}

BOOST_AUTO_TEST_CASE(conv2d_on_two_threads) {
  // 9 taps: the per-sample kernels; 72 and 36 taps: the batch-level sgemm; odd batch sizes.
  expect_same_on_two_threads({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"activation", "relu"}},
                             {1, 28, 28}, 9);
  expect_same_on_two_threads({{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}},
                             {8, 13, 13}, 7);
  expect_same_on_two_threads({{"type", "conv2d"}, {"filters", 6}, {"kernel_size", 3}, {"strides", 2},
                              {"padding", "same"}, {"activation", "sigmoid"}},
                             {4, 12, 12}, 5);
  expect_same_on_two_threads({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}}, {1, 28, 28}, 6,
                             Gradients::params_only);
  expect_same_on_two_threads({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"padding", "same"},
                              {"activation", "tanh"}},
                             {3, 14, 14}, 5);
  expect_same_on_two_threads({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"strides", 2}}, {1, 28, 28}, 9);
}

BOOST_AUTO_TEST_CASE(activation_and_batch_normalization_on_two_threads) {
  expect_same_on_two_threads({{"type", "relu"}}, {8, 26, 26}, 64);
  expect_same_on_two_threads({{"type", "softmax"}}, {2000}, 40);
  expect_same_on_two_threads({{"type", "batch_normalization"}}, {8, 26, 26}, 9);
  expect_same_on_two_threads({{"type", "batch_normalization"}}, {5000}, 7);
}

BOOST_AUTO_TEST_CASE(max_pool_on_two_threads) {
  expect_same_on_two_threads({{"type", "max_pool2d"}, {"pool_size", 2}}, {8, 26, 26}, 9);
  expect_same_on_two_threads({{"type", "max_pool2d"}, {"pool_size", 3}, {"strides", 2}}, {4, 15, 15}, 40);
}
