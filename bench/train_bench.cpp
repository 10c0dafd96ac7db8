// Training benchmark: W1 (MLP) and W2 (CNN) on Fashion-MNIST, as in bench/README.md.
//   train_bench [w1|w2|all] [--epochs N] [--warmup N] [--threads N] [--plugin-dir DIR]
// Prints per workload: seconds per epoch (after warm-up epochs), images/s, GFLOP/s
// (forward + backward multiply-adds of the linear layers counted as 2 FLOPs, backward
// counted as 2x forward), peak RSS, and test accuracy after 3 epochs (and after each), then
// a "RESULT {json}" line like the PyTorch peer script.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "glassbox/blas.h"
#include "glassbox/parallel.h"
#include "glassbox/experiment_data.h"
#include "glassbox/model.h"
#include "glassbox/plugin_loader.h"

using nlohmann::json;
using namespace glassbox;

namespace {

struct Workload {
  std::string name;
  json layers;
  json optimizer;
};

Workload w1() {
  return {"w1",
          json::parse(R"([{"type": "flatten"}, {"type": "dense", "units": 256, "activation": "relu"},
                          {"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}])"),
          json::parse(R"({"type": "sgd", "learning_rate": 0.01, "momentum": 0.9})")};
}

Workload w2() {
  return {"w2",
          json::parse(R"([{"type": "conv2d", "filters": 8, "kernel_size": 3, "activation": "relu"},
                          {"type": "max_pool2d", "pool_size": 2},
                          {"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
                          {"type": "max_pool2d", "pool_size": 2}, {"type": "flatten"},
                          {"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}])"),
          json::parse(R"({"type": "adam", "learning_rate": 0.001})")};
}

// Multiply-adds of one sample's forward pass through dense and conv2d layers.
double forward_macs(MyDeepLearning& m) {
  double macs = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Layer& l = m.layer(i);
    const Shape& out = m.layer_output_shape(i);
    const Shape& in = m.layer_input_shape(i);
    if (l.type() == "dense") macs += static_cast<double>(shape_size(in)) * shape_size(out);
    if (l.type() == "conv2d") {
      json c = l.config();
      auto k = c["kernel_size"];
      const double kk = k.is_array() ? k[0].get<double>() * k[1].get<double>() : k.get<double>() * k.get<double>();
      macs += static_cast<double>(shape_size(out)) * in[0] * kk;
    }
  }
  return macs;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // kilobytes on Linux
}

json run(const Workload& w, const ExperimentData& data, const Registry& reg, int warmup, int epochs) {
  MyDeepLearning model(reg, 42);
  for (const auto& l : w.layers) model.add(l);
  model.build(data.train.sample_shape());
  model.compile(w.optimizer, "sparse_categorical_crossentropy");
  // Like the PyTorch peer: epochs one by one, test accuracy after each (not timed), the
  // median of the epochs after warm-up.
  std::vector<double> secs, accs, cpu;
  for (int e = 0; e < warmup + epochs; ++e) {
    // Process CPU time too: on a shared, loaded machine it says more than wall time.
    const std::clock_t c0 = std::clock();
    secs.push_back(model.fit(data.train, FitOptions().epochs(1).batch_size(64).shuffle(true).verbose(0)).epochs.at(0).seconds);
    cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    accs.push_back(model.evaluate(data.test).accuracy);
    std::cout << "  epoch " << e + 1 << ": " << std::fixed << std::setprecision(3) << secs.back() << " s (cpu "
              << cpu.back() << " s), test accuracy "
              << std::setprecision(4) << accs.back() << std::endl;
  }
  std::vector<double> timed(secs.begin() + std::min<int>(warmup, static_cast<int>(secs.size()) - 1), secs.end());
  std::sort(timed.begin(), timed.end());
  const double mean = timed[timed.size() / 2];  // the median
  const double best = timed.front();
  const double acc3 = accs.size() >= 3 ? accs[2] : accs.back();
  const Evaluation ev = model.evaluate(data.test);
  const double flops = 3 * 2 * forward_macs(model) * data.train.size();
  json r = {{"workload", w.name},
            {"seconds_per_epoch_median", mean},
            {"best_seconds_per_epoch", best},
            {"epoch_seconds", secs},
            {"epoch_cpu_seconds", cpu},
            {"test_accuracy_per_epoch", accs},
            {"test_accuracy_after_3_epochs", acc3},
            {"images_per_second", data.train.size() / mean},
            {"gflops", flops / mean / 1e9},
            {"peak_rss_mb", peak_rss_mb()},
            {"epochs_trained", warmup + epochs},
            {"test_accuracy", ev.accuracy},
            {"test_loss", ev.loss},
            {"params", model.param_count()}};
  std::cout << std::fixed << std::setprecision(3) << w.name << ": " << mean << " s/epoch median (best " << best << "), "
            << std::setprecision(0) << data.train.size() / mean << " images/s, " << std::setprecision(1)
            << flops / mean / 1e9 << " GFLOP/s, peak RSS " << peak_rss_mb() << " MB, test accuracy "
            << std::setprecision(4) << acc3 << " after 3 epochs, " << ev.accuracy << " after " << warmup + epochs << "\n";
  std::cout << "RESULT " << r.dump() << std::endl;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string which = "all";
  int epochs = 3, warmup = 1, threads = 0;
  std::vector<std::string> plugin_dirs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--epochs") epochs = std::stoi(next());
    else if (a == "--warmup") warmup = std::stoi(next());
    else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--plugin-dir") plugin_dirs.push_back(next());
    else if (a == "w1" || a == "w2" || a == "all") which = a;
    else {
      std::cerr << "usage: train_bench [w1|w2|all] [--epochs N] [--warmup N] [--threads N] [--plugin-dir DIR]\n";
      return 2;
    }
  }
  try {
    if (threads > 0) set_compute_threads(threads);
    Registry reg;
    PluginSearch search;
    search.explicit_dirs = plugin_dirs;
#ifdef GLASSBOX_BUILD_PLUGIN_DIR
    if (plugin_dirs.empty()) search.explicit_dirs.push_back(GLASSBOX_BUILD_PLUGIN_DIR);
#endif
    for (const auto& p : load_plugins(reg, search))
      if (p.fatal) throw PluginError(p.message);
    const BlasReport br = blas_report();
    std::cout << "BLAS core " << br.corename << ", " << br.threads << " thread(s); " << br.compute_threads << " compute thread(s)"
              << (br.recommended_coretype.empty() ? "" : " (OPENBLAS_CORETYPE=" + br.recommended_coretype + " is faster)")
              << "\n";
    ExperimentData data = load_experiment_data(json{{"dataset", "fashion-mnist"}}, reg, "train_bench");
    std::cout << "Fashion-MNIST: " << data.train.size() << " train, " << data.test.size() << " test; " << warmup
              << " warm-up + " << epochs << " timed epochs, batch 64\n";
    if (which == "w1" || which == "all") run(w1(), data, reg, warmup, epochs);
    if (which == "w2" || which == "all") run(w2(), data, reg, warmup, epochs);
  } catch (const std::exception& e) {
    std::cerr << "train_bench: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
