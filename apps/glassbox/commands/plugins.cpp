// glassbox plugins [--json]: the loaded plugin libraries and the factories of each family.
#include <iostream>

#include "command.h"
#include "options.h"

namespace glassbox::app {

namespace {

template <class T>
nlohmann::json family_json(const FactoryRegistry<T>& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& i : r.list())
    out.push_back({{"name", i.name}, {"description", i.description}, {"parameters", i.parameters},
                   {"origin", i.origin}});
  return out;
}

template <class T>
void print_family(const char* title, const FactoryRegistry<T>& r) {
  std::cout << title << ":\n";
  for (const auto& i : r.list()) {
    std::cout << "  " << i.name;
    for (std::size_t k = i.name.size(); k < 20; ++k) std::cout << ' ';
    std::cout << i.description << "\n";
  }
}

}  // namespace

int cmd_plugins(const Args& args, Context& ctx) {
  po::options_description desc("plugins options");
  desc.add_options()("json", "print JSON")("help,h", "show this help");
  auto vm = parse_options(args, desc, {}, "plugins");
  if (print_help_if_asked(vm, desc, "glassbox [--plugin-dir DIR]... plugins [--json]")) return kExitOk;

  Registry& reg = ctx.registry();
  if (vm.count("json")) {
    nlohmann::json j;
    j["plugins"] = nlohmann::json::array();
    for (const auto& p : reg.plugins())
      j["plugins"].push_back({{"name", p.name}, {"version", p.version}, {"file", p.path},
                              {"layers", p.layers}, {"optimizers", p.optimizers}, {"datasets", p.datasets}});
    j["layers"] = family_json(reg.layers);
    j["optimizers"] = family_json(reg.optimizers);
    j["datasets"] = family_json(reg.datasets);
    j["skipped"] = nlohmann::json::array();
    for (const auto& p : ctx.plugin_problems()) j["skipped"].push_back({{"file", p.path}, {"error", p.message}});
    std::cout << j.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "plugins:\n";
  for (const auto& p : reg.plugins()) {
    std::cout << "  " << p.name << " " << p.version << "  " << p.path << "\n";
  }
  print_family("layers", reg.layers);
  print_family("optimizers", reg.optimizers);
  print_family("datasets", reg.datasets);
  return kExitOk;
}

}  // namespace glassbox::app
