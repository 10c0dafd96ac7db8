// glassbox similarity --model DIR [--compare DIR] [--data NAME] [--classes 1,3] --out DIR
// Linear CKA between every pair of layers of a saved model on the same held-out inputs
// and, with --compare, between its layers and those of another saved model (e.g. the same
// experiment trained with another seed). Writes similarity.json and similarity/.
#include <filesystem>
#include <iostream>
#include <optional>

#include "command.h"
#include "model_source.h"
#include "glassbox/error.h"
#include "glassbox/explain/layer_similarity.h"
#include "glassbox/model.h"
#include "saved_run_data.h"

namespace glassbox::app {

int cmd_similarity(const Args& args, Context& ctx) {
  po::options_description desc("similarity options");
  std::vector<std::string> sets;
  desc.add_options()
      ("model", po::value<std::string>(), "model folder (model.json + .npy), e.g. runs/NAME/model, or an ONNX file (.onnx)")
      ("compare", po::value<std::string>(), "a second model folder (or .onnx file) to compare layer by layer")
      ("out", po::value<std::string>(), "results folder (similarity.json, similarity/)")
      ("set", po::value<std::vector<std::string>>(&sets), "a similarity option: key=value (repeatable; see docs/signatures.md)")
      ("help,h", "show this help");
  add_data_options(desc);
  po::positional_options_description pos;
  auto vm = parse_options(args, desc, pos, "similarity");
  if (print_help_if_asked(vm, desc, "glassbox similarity --model DIR [--compare DIR] [--data NAME] --out DIR"))
    return kExitOk;
  if (!vm.count("model")) throw ConfigError("missing --model DIR");
  if (!vm.count("out")) throw ConfigError("missing --out DIR");
  const std::string model_dir = vm["model"].as<std::string>();
  const std::string out_dir = vm["out"].as<std::string>();
  auto options = explain::SimilarityOptions::from_json(parse_assignments(sets, "set"), "--set");
  if (vm.count("compare")) options.compare_model = vm["compare"].as<std::string>();

  Registry& reg = ctx.registry();
  MyDeepLearning model = open_model(model_dir, reg);
  std::optional<MyDeepLearning> other;
  if (!options.compare_model.empty()) other.emplace(open_model(options.compare_model, reg));
  ExperimentData ed = load_saved_run_data(model_dir, vm, reg);
  const LabeledData& heldout = ed.test.size() ? ed.test : ed.validation;
  if (heldout.size() == 0) throw DataError("similarity: the data has no test or validation inputs");
  const auto sim = explain::layer_similarity(model, other ? &*other : nullptr, heldout, options);
  explain::write_layer_similarity(sim, out_dir);
  std::cout << explain::layer_similarity_report(sim)
            << "written: " << (std::filesystem::path(out_dir) / "similarity.json").string() << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
