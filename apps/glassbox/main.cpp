// glassbox: the driver. `glassbox [--plugin-dir DIR]... COMMAND [options]`.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "blas_reexec.h"
#include "command.h"
#include "glassbox/error.h"
#include "glassbox/version.h"

namespace glassbox::app {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"run", "run an experiment file: data, model, training, evaluation, explanations", cmd_run},
      {"sweep", "run an experiment over a grid of settings (locally or across MPI ranks) and compare the runs", cmd_sweep},
      {"serve", "the web interface: vary parameters, run experiments, look inside", cmd_serve},
      {"datasets", "list the datasets: sample shape, split sizes, classes, how to install", cmd_datasets},
      {"explain", "explain a saved model's decisions: LRP and baseline heatmaps, perturbation curves", cmd_explain},
      {"signatures", "activation signatures of a saved model: per-class statistics, separability, novelty", cmd_signatures},
      {"similarity", "layer similarity of a saved model (linear CKA), and against a second model", cmd_similarity},
      {"concepts", "concept relevance of a saved model: concepts per class, path graphs, references", cmd_concepts},
      {"import", "import an ONNX file (PyTorch, Keras, ...) as a glassbox model folder", cmd_import},
      {"export", "export a saved model as an ONNX file (opset 13)", cmd_export},
      {"plugins", "list the loaded plugins and what they register", cmd_plugins},
      {"info", "show BLAS core and threads, CPU features, plugin folders", cmd_info},
  };
  return table;
}

namespace {

void print_usage(std::ostream& out) {
  out << "usage: glassbox [--plugin-dir DIR]... [--quiet] COMMAND [options]\n"
         "       glassbox COMMAND --help\n\n"
         "commands:\n";
  for (const auto& c : commands()) {
    out << "  " << c.name;
    for (std::size_t i = std::strlen(c.name); i < 12; ++i) out << ' ';
    out << c.summary << "\n";
  }
  out << "\nglobal options:\n"
         "  --plugin-dir DIR  load plugins from DIR first (repeatable); then GLASSBOX_PLUGIN_PATH,\n"
         "                    the plugins folder next to the executable, the install folder\n"
         "  --quiet           no progress output or warnings\n"
         "  --help, --version\n";
}

}  // namespace
}  // namespace glassbox::app

int main(int argc, char** argv) {
  using namespace glassbox::app;
  Context ctx;
  std::vector<std::string> rest;
  std::string command;
  bool help = false;
  // Global options may stand anywhere; everything else goes to the command.
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--plugin-dir") {
      if (i + 1 >= argc) {
        std::cerr << "glassbox: --plugin-dir needs a folder\n";
        return kExitUsage;
      }
      ctx.plugin_dirs.push_back(argv[++i]);
    } else if (a.rfind("--plugin-dir=", 0) == 0) {
      ctx.plugin_dirs.push_back(a.substr(13));
    } else if (a == "--quiet" || a == "-q") {
      ctx.quiet = true;
    } else if (command.empty() && (a == "--version" || a == "-V")) {
      std::cout << "glassbox " << GLASSBOX_VERSION << "\n";
      return kExitOk;
    } else if (command.empty() && (a == "--help" || a == "-h")) {
      help = true;
    } else if (command.empty() && !a.empty() && a[0] == '-') {
      std::cerr << "glassbox: unknown option '" << a << "' (see 'glassbox --help')\n";
      return kExitUsage;
    } else if (command.empty()) {
      command = a;
    } else {
      rest.push_back(a);
    }
  }
  if (command.empty()) {
    print_usage(help ? std::cout : std::cerr);
    return help ? kExitOk : kExitUsage;
  }
  const Command* cmd = nullptr;
  for (const auto& c : commands())
    if (command == c.name) cmd = &c;
  if (!cmd) {
    std::cerr << "glassbox: unknown command '" << command << "' (see 'glassbox --help')\n";
    return kExitUsage;
  }
  fix_blas_core_or_reexec(argv, ctx.quiet);
  try {
    return cmd->run(rest, ctx);
  } catch (const glassbox::ConfigError& e) {
    std::cerr << "glassbox " << command << ": error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const glassbox::Error& e) {
    std::cerr << "glassbox " << command << ": error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::bad_alloc&) {
    std::cerr << "glassbox " << command << ": error: out of memory\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "glassbox " << command << ": internal error: " << e.what() << "\n";
    return kExitFailure;
  }
}
