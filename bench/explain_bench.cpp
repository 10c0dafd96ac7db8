// Explanation throughput: LRP (epsilon-plus) on the W2 CNN, 1,000 Fashion-MNIST test images
// explained as one batch, against the PyTorch peer's W4 (gradient x input, batches of 1000)
// run in the same session (see README.md, "Explain").
//   explain_bench [--model DIR] [--epochs N] [--repeats N] [--batch N] [--composite NAME]
//                 [--plugin-dir DIR]
// Without --model, W2 is trained for N epochs (default 1) on Fashion-MNIST first (untimed).
// Prints explanations/s for LRP epsilon-plus, LRP-0 and glassbox's own gradient x input,
// the median of the repeats, and a "RESULT {json}" line.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "glassbox/blas.h"
#include "glassbox/parallel.h"
#include "glassbox/experiment_data.h"
#include "glassbox/explain/attributions.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/model.h"
#include "glassbox/plugin_loader.h"

using nlohmann::json;
using namespace glassbox;
using namespace glassbox::explain;

namespace {

template <class F>
double median_seconds(int repeats, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_dir, composite = "epsilon-plus";
  int epochs = 1, repeats = 7;
  std::size_t batch = 1000, images = 1000;
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
    if (a == "--model") model_dir = next();
    else if (a == "--epochs") epochs = std::stoi(next());
    else if (a == "--repeats") repeats = std::stoi(next());
    else if (a == "--batch") batch = std::stoul(next());
    else if (a == "--images") images = std::stoul(next());
    else if (a == "--composite") composite = next();
    else if (a == "--plugin-dir") plugin_dirs.push_back(next());
    else {
      std::cerr << "usage: explain_bench [--model DIR] [--epochs N] [--repeats N] [--batch N] [--images N] "
                   "[--composite NAME] [--plugin-dir DIR]\n";
      return 2;
    }
  }
  try {
    Registry reg;
    PluginSearch search;
    search.explicit_dirs = plugin_dirs;
#ifdef GLASSBOX_BUILD_PLUGIN_DIR
    if (plugin_dirs.empty()) search.explicit_dirs.push_back(GLASSBOX_BUILD_PLUGIN_DIR);
#endif
    for (const auto& p : load_plugins(reg, search))
      if (p.fatal) throw PluginError(p.message);
    const BlasReport br = blas_report();
    std::cout << "BLAS core " << br.corename << ", " << br.threads << " thread(s); " << br.compute_threads << " compute thread(s)\n";
    ExperimentData data = load_experiment_data(json{{"dataset", "fashion-mnist"}}, reg, "explain_bench");
    MyDeepLearning model = model_dir.empty() ? MyDeepLearning(reg, 42) : MyDeepLearning::load(model_dir, reg);
    if (model_dir.empty()) {
      for (const auto& l : json::parse(R"([{"type": "conv2d", "filters": 8, "kernel_size": 3, "activation": "relu"},
                          {"type": "max_pool2d", "pool_size": 2},
                          {"type": "conv2d", "filters": 16, "kernel_size": 3, "activation": "relu"},
                          {"type": "max_pool2d", "pool_size": 2}, {"type": "flatten"},
                          {"type": "dense", "units": 128, "activation": "relu"}, {"type": "dense", "units": 10}])"))
        model.add(l);
      model.build(data.train.sample_shape());
      model.compile(json{{"type", "adam"}, {"learning_rate", 0.001}}, "sparse_categorical_crossentropy");
      model.fit(data.train, FitOptions().epochs(epochs).batch_size(64).verbose(0));
    }
    const double accuracy = model.evaluate(data.test).accuracy;
    images = std::min(images, data.test.size());
    Tensor x = data.test.batch_range(0, images);
    std::cout << "W2 CNN, test accuracy " << std::setprecision(4) << accuracy << "; " << images << " test images, batch "
              << batch << ", median of " << repeats << " runs\n";

    json result = {{"images", images}, {"batch", batch}, {"test_accuracy", accuracy}, {"blas_core", br.corename}};
    auto report = [&](const std::string& what, double secs) {
      const double rate = images / secs;
      std::cout << "  " << std::left << std::setw(28) << what << std::right << std::fixed << std::setprecision(1)
                << std::setw(10) << rate << " explanations/s  (" << std::setprecision(2) << secs * 1e3 << " ms per "
                << images << ")\n" << std::defaultfloat;
      result[what] = rate;
    };
    {
      Lrp lrp(model, make_composite(composite), LrpOptions().batch(batch).keep_layer_relevance(false));
      (void)lrp.explain(x, Target::predicted());  // warm-up: buffers are allocated once
      report("lrp_" + composite, median_seconds(repeats, [&] { (void)lrp.explain(x, Target::predicted()); }));
    }
    {
      Lrp lrp(model, make_composite(composite), LrpOptions().batch(batch).keep_layer_relevance(true));
      (void)lrp.explain(x, Target::predicted());
      report("lrp_" + composite + "_all_layers", median_seconds(repeats, [&] { (void)lrp.explain(x, Target::predicted()); }));
    }
    {
      Lrp lrp(model, make_composite("lrp0"), LrpOptions().batch(batch).keep_layer_relevance(false));
      (void)lrp.explain(x, Target::predicted());
      report("lrp_lrp0", median_seconds(repeats, [&] { (void)lrp.explain(x, Target::predicted()); }));
    }
    {
      ExplainedNetwork net(model);
      AttributionOptions o;
      o.batch_size = batch;
      (void)attribute(net, "gradient_x_input", x, Target::predicted(), o);
      report("gradient_x_input", median_seconds(repeats, [&] { (void)attribute(net, "gradient_x_input", x, Target::predicted(), o); }));
    }
    std::cout << "RESULT " << result.dump() << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "explain_bench: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
