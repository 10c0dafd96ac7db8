// glassbox signatures --model DIR [--data NAME] [--classes 1,3] [--unseen 2] --out DIR
// Builds activation signatures of a saved model and writes signatures.json, the arrays,
// the plots and the report. The data view defaults to the one the model was trained on
// (the run folder's config.json next to the model folder).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "command.h"
#include "model_source.h"
#include "glassbox/error.h"
#include "glassbox/json_text.h"
#include "glassbox/experiment.h"
#include "glassbox/experiment_data.h"
#include "glassbox/explain/signature_study.h"
#include "glassbox/model.h"
#include "glassbox/npy.h"
#include "options.h"
#include "saved_run_data.h"

namespace glassbox::app {

namespace fs = std::filesystem;

int cmd_signatures(const Args& args, Context& ctx) {
  po::options_description desc("signatures options");
  std::vector<std::string> sets;
  desc.add_options()
      ("model", po::value<std::string>(), "model folder (model.json + .npy), e.g. runs/NAME/model, or an ONNX file (.onnx)")
      ("data", po::value<std::string>(), "dataset name (default: the data of the model's run, from its config.json)")
      ("classes", po::value<std::string>(), "classes the signatures are built for, e.g. 1,3 (default: the run's)")
      ("unseen", po::value<std::string>(), "unseen classes to probe, e.g. 2 (default: every other class)")
      ("limit", po::value<std::size_t>(), "use at most N training inputs")
      ("out", po::value<std::string>(), "results folder (signatures.json, signatures/, signatures.txt)")
      ("set", po::value<std::vector<std::string>>(&sets), "a signatures option: key=value (repeatable; see docs/signatures.md)")
      ("help,h", "show this help");
  po::positional_options_description pos;
  auto vm = parse_options(args, desc, pos, "signatures");
  if (print_help_if_asked(vm, desc, "glassbox signatures --model DIR [--data NAME] [--classes 1,3] [--unseen 2] --out DIR"))
    return kExitOk;
  if (!vm.count("model")) throw ConfigError("missing --model DIR");
  if (!vm.count("out")) throw ConfigError("missing --out DIR");
  const std::string model_dir = vm["model"].as<std::string>();
  const std::string out_dir = vm["out"].as<std::string>();

  // The data view: the run's data section (same normalization as in training), then the
  // command-line choices on top.
  std::string source;
  nlohmann::json data = saved_run_data_section(model_dir, vm, source);
  if (vm.count("limit")) data["limit"] = vm["limit"].as<std::size_t>();
  const nlohmann::json section = parse_assignments(sets, "set");
  const auto options = explain::SignatureStudyOptions::from_json(section, "--set");

  Registry& reg = ctx.registry();
  MyDeepLearning model = open_model(model_dir, reg);
  ExperimentData ed = load_experiment_data(data, reg, source);
  if (ed.train.num_classes() != 0 && model.output_shape().size() == 1 && model.output_shape()[0] < ed.train.num_classes())
    throw ConfigError(model_dir + ": the model has " + std::to_string(model.output_shape()[0]) +
                      " outputs but the data has " + std::to_string(ed.train.num_classes()) +
                      " classes (use --classes to pick the classes it was trained on)");
  const LabeledData& heldout = ed.test.size() ? ed.test : ed.validation;
  if (!ctx.quiet)
    std::cerr << "signatures: " << ed.train.size() << " training inputs, " << heldout.size() << " held-out, "
              << ed.unseen.size() << " unseen\n";
  const auto study = explain::run_signature_study(model, ed.train, heldout, ed.unseen.size() ? &ed.unseen : nullptr,
                                                  ed.source_class_names, options);
  explain::write_signature_study(study, out_dir);
  const std::string report = explain::signature_report(study);
  write_file_atomic((fs::path(out_dir) / "signatures.txt").string(), report);
  std::cout << report << "\nwritten: " << (fs::path(out_dir) / "signatures.json").string() << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
