// signature_bench: the cost of a signature pass (every layer recorded, per-class moments,
// firing rates, patterns, shared covariance) against one plain inference pass, over the
// 10,000 MNIST digits (mnist-digits train + test) through the W2-sized CNN, measured in the
// same run. Target: signature pass <= 1.5x inference.
//
//   signature_bench [--repeats N] [--batch B] [--train-epochs E]
//
// The model is trained for E epochs first (default 1) so activations are those of a real
// model (sparsity changes the cost of the covariance update and of the pattern table).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "glassbox/blas.h"
#include "glassbox/experiment_data.h"
#include "glassbox/explain/signature_builder.h"
#include "glassbox/model.h"
#include "glassbox/plugin_loader.h"

using namespace glassbox;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

long peak_rss_kb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmHWM:", 6) == 0) kb = std::atol(line + 6);
  std::fclose(f);
  return kb;
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 3, epochs = 1;
  std::size_t batch = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--repeats") repeats = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--batch") batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
    else if (a == "--train-epochs") epochs = std::max(0, std::atoi(argv[i + 1]));
  }
  try {
    Registry reg;
    for (const char* p : {"libglassbox_layers.so", "libglassbox_optimizers.so", "libglassbox_datasets.so"})
      load_plugin(reg, std::string(GLASSBOX_BUILD_PLUGIN_DIR) + "/" + p);
    ExperimentData ed = load_experiment_data({{"dataset", "mnist-digits"}, {"normalize", "scale"}}, reg, "signature_bench");
    // All 10,000 digits as one float dataset.
    const std::size_t n = ed.train.size() + ed.test.size(), d = ed.train.sample_size();
    std::vector<float> px(n * d);
    std::vector<int> labels;
    {
      Tensor a = ed.train.batch_range(0, ed.train.size()), b = ed.test.batch_range(0, ed.test.size());
      std::copy(a.begin(), a.end(), px.begin());
      std::copy(b.begin(), b.end(), px.begin() + static_cast<std::ptrdiff_t>(a.size()));
      labels = ed.train.labels();
      labels.insert(labels.end(), ed.test.labels().begin(), ed.test.labels().end());
    }
    LabeledData all(ed.train.sample_shape(), std::move(px), std::move(labels), ed.train.class_names());

    MyDeepLearning model(reg, 42);
    model.add({{"type", "conv2d"}, {"filters", 8}, {"kernel_size", 3}, {"activation", "relu"}});
    model.add({{"type", "max_pool2d"}, {"pool_size", 2}});
    model.add({{"type", "conv2d"}, {"filters", 16}, {"kernel_size", 3}, {"activation", "relu"}});
    model.add({{"type", "max_pool2d"}, {"pool_size", 2}});
    model.add({{"type", "flatten"}});
    model.add({{"type", "dense"}, {"units", 128}, {"activation", "relu"}});
    model.add({{"type", "dense"}, {"units", 10}});
    model.build(all.sample_shape());
    model.compile({{"type", "adam"}, {"learning_rate", 1e-3}}, "sparse_categorical_crossentropy");
    if (epochs > 0) model.fit(ed.train, FitOptions().epochs(epochs).batch_size(64).verbose(0));

    const auto blas = blas_report();
    std::printf("signature_bench: %zu digits, W2 CNN (%zu params), batch %zu, BLAS %s x%d, %d repeats (best)\n", n,
                model.param_count(), batch, blas.corename.c_str(), blas.threads, repeats);
    double best_inf = 1e300, best_sig = 1e300;
    std::size_t layers = 0;
    for (int r = 0; r < repeats; ++r) {
      // Inference: the same batches through the same forward, no hook.
      auto t = Clock::now();
      double checksum = 0;
      for (std::size_t b = 0; b < n; b += batch) {
        Tensor out = model.forward(all.batch_range(b, std::min(n, b + batch)));
        checksum += out.data()[0];
      }
      best_inf = std::min(best_inf, seconds_since(t));
      t = Clock::now();
      explain::SignatureOptions opt;
      opt.batch_size = batch;
      const auto sig = explain::build_signatures(model, all, opt);
      best_sig = std::min(best_sig, seconds_since(t));
      layers = sig.layers.size();
      if (checksum == 12345.678) std::puts("");  // keep the inference loop observable
    }
    std::printf("inference pass:  %.3f s (%.0f images/s)\n", best_inf, n / best_inf);
    std::printf("signature pass:  %.3f s (%.0f images/s), %zu layers recorded (input + every non-reshape layer)\n",
                best_sig, n / best_sig, layers);
    std::printf("ratio signature/inference: %.2fx (target <= 1.5x)\n", best_sig / best_inf);
    std::printf("peak RSS: %.1f MB\n", peak_rss_kb() / 1024.0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "signature_bench: %s\n", e.what());
    return 1;
  }
}
