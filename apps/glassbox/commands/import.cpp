// glassbox import MODEL.onnx (--out DIR | --run DIR --data NAME [--limit N] [--signatures])
// Converts an ONNX file (PyTorch's torch.onnx.export, Keras via tf2onnx, ...) into a glassbox
// model folder (model.json + one .npy per parameter), or with --run into a run of the
// results folder the web page lists (imported_run.h); written whole or not at all.
// docs/onnx.md lists the operators.
#include <algorithm>
#include <iostream>

#include "command.h"
#include "imported_run.h"
#include "glassbox/error.h"
#include "model_source.h"
#include "options.h"

namespace glassbox::app {

namespace {

// "1,3" -> [1, 3]; ConfigError naming --classes otherwise.
nlohmann::json class_list(const std::string& text) {
  nlohmann::json out = nlohmann::json::array();
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    if (item.empty() || item.size() > 6 || item.find_first_not_of("0123456789") != std::string::npos)
      throw ConfigError("--classes: expected class numbers separated by commas (e.g. 1,3), got '" + text + "'");
    out.push_back(std::stoi(item));
    at = comma + 1;
  }
  return out;
}

}  // namespace

int cmd_import(const Args& args, Context& ctx) {
  po::options_description desc("import options");
  desc.add_options()
      ("onnx", po::value<std::string>(), "the ONNX file to import")
      ("out", po::value<std::string>(), "the model folder to write (model.json + .npy)")
      ("run", po::value<std::string>(), "instead: a run folder for the web page (model/, config.json, metrics.json), e.g. runs/NAME")
      ("data", po::value<std::string>(), "with --run: the dataset it is evaluated (and studied) on, e.g. mnist-digits")
      ("classes", po::value<std::string>(), "with --run: the classes the model was trained on, e.g. 1,3 (default: all)")
      ("limit", po::value<std::size_t>(), "with --run: use at most N training inputs (signatures)")
      ("signatures", po::bool_switch(), "with --run: also run the signature study (signatures.json)")
      ("help,h", "show this help");
  po::positional_options_description pos;
  pos.add("onnx", 1);
  auto vm = parse_options(args, desc, pos, "import");
  if (print_help_if_asked(vm, desc, "glassbox import MODEL.onnx (--out DIR | --run DIR --data NAME [--signatures])"))
    return kExitOk;
  if (!vm.count("onnx")) throw ConfigError("missing the ONNX file: glassbox import MODEL.onnx --out DIR");
  if (vm.count("out") == vm.count("run")) throw ConfigError("give one of --out DIR (a model folder) or --run DIR (a run)");
  if (vm.count("run") && !vm.count("data")) throw ConfigError("--run needs --data NAME (the dataset to evaluate on)");
  const std::string file = vm["onnx"].as<std::string>();
  require_onnx_support("import");
  if (!is_onnx_model_path(file)) throw ConfigError(file + ": expected an ONNX file (.onnx)");
  MyDeepLearning model = open_model(file, ctx.registry());
  if (vm.count("run")) {
    ImportedRun run{file, vm["run"].as<std::string>(), {{"dataset", vm["data"].as<std::string>()}}, vm["signatures"].as<bool>()};
    if (vm.count("limit")) run.data["limit"] = vm["limit"].as<std::size_t>();
    if (vm.count("classes")) run.data["classes"] = class_list(vm["classes"].as<std::string>());
    write_imported_run(model, run, ctx.registry(), ctx.quiet ? nullptr : &std::cerr);
    if (!ctx.quiet) std::cout << "imported " << file << " as the run " << run.dir << "\n";
    return kExitOk;
  }
  const std::string out = vm["out"].as<std::string>();
  model.save(out);
  if (!ctx.quiet)
    std::cout << "imported " << file << ": " << model.size() << " layers, " << model.param_count() << " parameters, input "
              << shape_to_string(model.input_shape()) << ", " << model.class_names().size() << " class names\n"
              << "written: " << out << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
