// glassbox concepts --model DIR [--data NAME] [--classes 1,3] --out DIR [--set key=value]
// Concept relevance propagation on a saved model: per class the concepts (channels,
// neurons) that carry its relevance, the path graph between consecutive layers' concepts,
// conditional heatmaps and reference inputs per concept. Writes concepts.json and concepts/.
#include <filesystem>
#include <iostream>

#include "command.h"
#include "model_source.h"
#include "glassbox/error.h"
#include "glassbox/explain/concept_relevance.h"
#include "glassbox/model.h"
#include "saved_run_data.h"

namespace glassbox::app {

int cmd_concepts(const Args& args, Context& ctx) {
  po::options_description desc("concepts options");
  std::vector<std::string> sets;
  desc.add_options()
      ("model", po::value<std::string>(), "model folder (model.json + .npy), e.g. runs/NAME/model, or an ONNX file (.onnx)")
      ("out", po::value<std::string>(), "results folder (concepts.json, concepts/)")
      ("set", po::value<std::vector<std::string>>(&sets), "a concepts option: key=value (repeatable; see docs/signatures.md)")
      ("help,h", "show this help");
  add_data_options(desc);
  po::positional_options_description pos;
  auto vm = parse_options(args, desc, pos, "concepts");
  if (print_help_if_asked(vm, desc, "glassbox concepts --model DIR [--data NAME] [--classes 1,3] --out DIR"))
    return kExitOk;
  if (!vm.count("model")) throw ConfigError("missing --model DIR");
  if (!vm.count("out")) throw ConfigError("missing --out DIR");
  const std::string model_dir = vm["model"].as<std::string>();
  const std::string out_dir = vm["out"].as<std::string>();
  const auto options = explain::ConceptOptions::from_json(parse_assignments(sets, "set"), "--set");

  Registry& reg = ctx.registry();
  MyDeepLearning model = open_model(model_dir, reg);
  ExperimentData ed = load_saved_run_data(model_dir, vm, reg);
  const LabeledData& heldout = ed.test.size() ? ed.test : ed.validation;
  if (heldout.size() == 0) throw DataError("concepts: the data has no test or validation inputs");
  const auto study = explain::run_concept_study(model, heldout, options);
  explain::write_concept_study(study, heldout, out_dir);
  std::cout << explain::concept_report(study)
            << "written: " << (std::filesystem::path(out_dir) / "concepts.json").string() << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
