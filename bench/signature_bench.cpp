// signature_bench: the cost of a signature pass (every layer recorded, per-class moments,
// firing rates, patterns, shared covariance, with the calibration pass of the per-channel
// firing thresholds) and of the linear probes (one per recorded layer on its full
// activations: a statistics pass, `probe_epochs` training passes, a scoring pass over the
// test images) against one plain inference pass, over the 60,000 MNIST training images
// (mnist-digits) through the W2-sized CNN, measured in the same run. Target: signature
// pass <= 1.5x inference; peak memory (signatures + probes) under 1 GB.
//
//   signature_bench [--repeats N] [--batch B] [--train-epochs E] [--probe-epochs P]
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
#include "glassbox/explain/layer_probes.h"
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
  int repeats = 3, epochs = 1, probe_epochs = 4;
  std::size_t batch = 256;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--repeats") repeats = std::max(1, std::atoi(argv[i + 1]));
    else if (a == "--batch") batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
    else if (a == "--train-epochs") epochs = std::max(0, std::atoi(argv[i + 1]));
    else if (a == "--probe-epochs") probe_epochs = std::max(1, std::atoi(argv[i + 1]));
  }
  try {
    Registry reg;
    for (const char* p : {"libglassbox_layers.so", "libglassbox_optimizers.so", "libglassbox_datasets.so"})
      load_plugin(reg, std::string(GLASSBOX_BUILD_PLUGIN_DIR) + "/" + p);
    ExperimentData ed = load_experiment_data({{"dataset", "mnist-digits"}, {"normalize", "scale"}}, reg, "signature_bench");
    // The 60,000 training images, kept as bytes (47 MB) and converted one batch at a time.
    const LabeledData& all = ed.train;
    const std::size_t n = all.size();

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
    std::printf("signature_bench: %zu training images, W2 CNN (%zu params), batch %zu, BLAS %s x%d, %d repeats (best)\n", n,
                model.param_count(), batch, blas.corename.c_str(), blas.threads, repeats);
    double best_inf = 1e300, best_sig = 1e300, probe_seconds = 0;
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
      if (r == 0) {
        t = Clock::now();
        explain::LinearProbeOptions po;
        po.epochs = static_cast<std::size_t>(probe_epochs);
        const auto probes = explain::fit_layer_probes(model, sig, all, ed.test, po);
        probe_seconds = seconds_since(t);
        for (std::size_t p = 0; p < probes.layers.size(); ++p)
          std::printf("  probe %-14s %6zu features  test accuracy %.4f\n", sig.layer_label(p).c_str(),
                      probes.layers[p].features, probes.layers[p].accuracy);
      }
      if (checksum == 12345.678) std::puts("");  // keep the inference loop observable
    }
    std::printf("inference pass:  %.3f s (%.0f images/s)\n", best_inf, n / best_inf);
    std::printf("signature pass:  %.3f s (%.0f images/s), %zu layers recorded (input + every non-reshape layer)\n",
                best_sig, n / best_sig, layers);
    std::printf("ratio signature/inference: %.2fx (target <= 1.5x)\n", best_sig / best_inf);
    std::printf("linear probes:   %.3f s = %.2fx inference (%d training passes + statistics + test scoring)\n",
                probe_seconds, probe_seconds / best_inf, probe_epochs);
    std::printf("peak RSS: %.1f MB\n", peak_rss_kb() / 1024.0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "signature_bench: %s\n", e.what());
    return 1;
  }
}
