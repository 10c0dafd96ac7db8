// glassbox info [--json]: BLAS core and threads, CPU features, plugin folders, plugins.
#include <iostream>

#include "command.h"
#include "glassbox/blas.h"
#include "glassbox/version.h"
#include "options.h"

namespace glassbox::app {

int cmd_info(const Args& args, Context& ctx) {
  po::options_description desc("info options");
  desc.add_options()("json", "print JSON")("help,h", "show this help");
  auto vm = parse_options(args, desc, {}, "info");
  if (print_help_if_asked(vm, desc, "glassbox info [--json]")) return kExitOk;

  Registry& reg = ctx.registry();
  BlasReport blas = blas_report();
  nlohmann::json j;
  j["version"] = GLASSBOX_VERSION;
  j["blas"] = blas.to_json();
  if (const char* was = std::getenv("GLASSBOX_BLAS_REEXEC"))
    j["blas"]["fixed_from"] = was;  // the core OpenBLAS picked before the restart
  nlohmann::json dirs = nlohmann::json::array();
  PluginSearch search;
  search.explicit_dirs = ctx.plugin_dirs;
  for (const auto& d : plugin_search_path(search)) dirs.push_back({{"path", d.path}, {"source", d.source}});
  j["plugin_dirs"] = dirs;
  nlohmann::json plugins = nlohmann::json::array();
  for (const auto& p : reg.plugins()) plugins.push_back({{"name", p.name}, {"file", p.path}});
  j["plugins"] = plugins;

  if (vm.count("json")) {
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "glassbox " << GLASSBOX_VERSION << "\n"
            << "BLAS:        OpenBLAS, core " << blas.corename << ", " << blas.threads << " thread(s)\n"
            << "Compute:     " << blas.compute_threads << " thread(s) (GLASSBOX_NUM_THREADS, train.threads)";
  if (j["blas"].contains("fixed_from"))
    std::cout << " (set OPENBLAS_CORETYPE=" << blas.env_coretype << "; OpenBLAS had chosen "
              << j["blas"]["fixed_from"].get<std::string>() << ")";
  else if (!blas.env_coretype.empty())
    std::cout << " (OPENBLAS_CORETYPE=" << blas.env_coretype << " from the environment)";
  std::cout << "\nCPU:         avx2 " << (blas.cpu.avx2 ? "yes" : "no") << ", avx512f "
            << (blas.cpu.avx512f ? "yes" : "no") << ", fma " << (blas.cpu.fma ? "yes" : "no") << "\n";
  if (!blas.recommended_coretype.empty())
    std::cout << "advice:      set OPENBLAS_CORETYPE=" << blas.recommended_coretype
              << " before the program starts for a faster BLAS\n";
  std::cout << "plugin dirs:\n";
  for (const auto& d : dirs)
    std::cout << "  " << d["path"].get<std::string>() << "  (" << d["source"].get<std::string>() << ")\n";
  std::cout << "plugins:\n";
  for (const auto& p : reg.plugins()) std::cout << "  " << p.name << "  " << p.path << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
