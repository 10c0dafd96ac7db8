// glassbox import MODEL.onnx --out DIR
// Converts an ONNX file (PyTorch's torch.onnx.export, Keras via tf2onnx, ...) into a glassbox
// model folder (model.json + one .npy per parameter), written whole or not at all (the model
// folder's staging and swap). docs/onnx.md lists the operators.
#include <iostream>

#include "command.h"
#include "glassbox/error.h"
#include "model_source.h"
#include "options.h"

namespace glassbox::app {

int cmd_import(const Args& args, Context& ctx) {
  po::options_description desc("import options");
  desc.add_options()
      ("onnx", po::value<std::string>(), "the ONNX file to import")
      ("out", po::value<std::string>(), "the model folder to write (model.json + .npy)")
      ("help,h", "show this help");
  po::positional_options_description pos;
  pos.add("onnx", 1);
  auto vm = parse_options(args, desc, pos, "import");
  if (print_help_if_asked(vm, desc, "glassbox import MODEL.onnx --out DIR")) return kExitOk;
  if (!vm.count("onnx")) throw ConfigError("missing the ONNX file: glassbox import MODEL.onnx --out DIR");
  if (!vm.count("out")) throw ConfigError("missing --out DIR (the model folder to write)");
  const std::string file = vm["onnx"].as<std::string>();
  require_onnx_support("import");
  if (!is_onnx_model_path(file)) throw ConfigError(file + ": expected an ONNX file (.onnx)");
  MyDeepLearning model = open_model(file, ctx.registry());
  const std::string out = vm["out"].as<std::string>();
  model.save(out);
  if (!ctx.quiet)
    std::cout << "imported " << file << ": " << model.size() << " layers, " << model.param_count() << " parameters, input "
              << shape_to_string(model.input_shape()) << ", " << model.class_names().size() << " class names\n"
              << "written: " << out << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
