// Embedding glassbox: load the installed plugins and an out-of-tree one, build a model
// with the plugin's layer (dense -> swish -> dense), train on synthetic data, save, load
// and explain it with LRP. Prints one line the install test checks:
//   conservation logit=<f> relevance_sum=<f> error=<f>
// (epsilon rule with a tiny stabilizer and zero biases: the relevance at the input sums to
// the explained logit).
//   embedding_demo PLUGIN_DIR OUT_DIR
#include <cmath>
#include <iostream>
#include <random>
#include <vector>

#include <glassbox/explain/lrp.h>
#include <glassbox/model.h>
#include <glassbox/plugin_loader.h>

namespace {

// Two classes of 8 features: the sign of the first minus the last feature decides.
glassbox::LabeledData synthetic_data(std::size_t n) {
  std::mt19937 gen(7);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::vector<float> x(n * 8);
  std::vector<int> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < 8; ++j) x[i * 8 + j] = noise(gen);
    y[i] = x[i * 8] > x[i * 8 + 7] ? 1 : 0;
  }
  return glassbox::LabeledData({8}, std::move(x), std::move(y), {"low", "high"});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: embedding_demo PLUGIN_DIR OUT_DIR\n";
    return 2;
  }
  try {
    glassbox::Registry registry;
    glassbox::PluginSearch search;
    search.explicit_dirs = {argv[1]};
    for (const auto& p : glassbox::load_plugins(registry, search)) {
      std::cerr << p.message << "\n";
      if (p.fatal) return 1;
    }

    glassbox::MyDeepLearning model(registry, 1);
    model.add({{"type", "dense"}, {"units", 16}, {"use_bias", false}});
    model.add({{"type", "swish"}});
    model.add({{"type", "dense"}, {"units", 2}, {"use_bias", false}});
    model.build({8});
    model.compile({{"type", "sgd"}, {"learning_rate", 0.05}}, "sparse_categorical_crossentropy");
    const glassbox::LabeledData train = synthetic_data(256);
    glassbox::History h = model.fit(train, glassbox::FitOptions().epochs(2).batch_size(32).verbose(0));
    std::cout << "trained loss=" << h.epochs.back().loss << " accuracy=" << h.epochs.back().accuracy << "\n";

    model.save(argv[2]);
    glassbox::MyDeepLearning loaded = glassbox::MyDeepLearning::load(argv[2], registry);

    glassbox::explain::Lrp lrp(loaded, glassbox::explain::make_composite("epsilon", {{"epsilon", 1e-9}}));
    glassbox::explain::LrpResult r = lrp.explain(train.batch_range(0, 4));
    std::cout << "conservation logit=" << r.logit[0] << " relevance_sum=" << r.input_sum[0]
              << " error=" << std::fabs(r.conservation_error(0)) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "embedding_demo: " << e.what() << "\n";
    return 1;
  }
}
