// glassbox export --model DIR --onnx OUT.onnx
// Writes a saved model (sequential or graph) as an ONNX file (opset 13) that passes the ONNX
// checker, for Netron or any ONNX runtime; written next to OUT and renamed into place.
#include <iostream>

#include "command.h"
#include "glassbox/error.h"
#include "model_source.h"
#include "options.h"
#ifdef GLASSBOX_HAVE_ONNX
#include "glassbox/onnx/onnx_export.h"
#endif

namespace glassbox::app {

int cmd_export(const Args& args, Context& ctx) {
  po::options_description desc("export options");
  desc.add_options()
      ("model", po::value<std::string>(), "model folder (model.json + .npy), e.g. runs/NAME/model, or an ONNX file")
      ("onnx", po::value<std::string>(), "the ONNX file to write")
      ("help,h", "show this help");
  po::positional_options_description pos;
  auto vm = parse_options(args, desc, pos, "export");
  if (print_help_if_asked(vm, desc, "glassbox export --model DIR --onnx OUT.onnx")) return kExitOk;
  if (!vm.count("model")) throw ConfigError("missing --model DIR");
  if (!vm.count("onnx")) throw ConfigError("missing --onnx OUT.onnx (the file to write)");
  require_onnx_support("export");
  const std::string out = vm["onnx"].as<std::string>();
  if (!is_onnx_model_path(out)) throw ConfigError("--onnx " + out + ": the file name must end in .onnx");
  MyDeepLearning model = open_model(vm["model"].as<std::string>(), ctx.registry());
#ifdef GLASSBOX_HAVE_ONNX
  onnx_io::export_onnx(model, out);
#endif
  if (!ctx.quiet) std::cout << "written: " << out << " (opset 13, " << model.size() << " layers)\n";
  return kExitOk;
}

}  // namespace glassbox::app
