// glassbox datasets [--json] [NAME]: the registered datasets with sample shape, split sizes
// and class names, or how to install the files of a missing one.
#include <iostream>

#include "command.h"
#include "options.h"

namespace glassbox::app {

namespace {

nlohmann::json info_json(const DatasetInfo& i, const FactoryInfo& f) {
  return {{"name", i.name.empty() ? f.name : i.name},
          {"description", i.description.empty() ? f.description : i.description},
          {"available", i.available},
          {"sample_shape", i.sample_shape},
          {"train_size", i.train_size},
          {"test_size", i.test_size},
          {"size", i.train_size + i.test_size},
          {"class_names", i.class_names},
          {"location", i.location},
          {"install_hint", i.install_hint},
          {"origin", f.origin}};
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "\"" : ", \"") + x + "\"";
  return s;
}

}  // namespace

int cmd_datasets(const Args& args, Context& ctx) {
  po::options_description desc("datasets options");
  desc.add_options()("json", "print JSON")("name", po::value<std::string>(), "show only this dataset")(
      "help,h", "show this help");
  po::positional_options_description pos;
  pos.add("name", 1);
  auto vm = parse_options(args, desc, pos, "datasets");
  if (print_help_if_asked(vm, desc, "glassbox datasets [--json] [NAME]")) return kExitOk;

  Registry& reg = ctx.registry();
  std::vector<FactoryInfo> factories = reg.datasets.list();
  if (vm.count("name")) factories = {reg.datasets.info(vm["name"].as<std::string>())};
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : factories) {
    DatasetInfo info;
    try {
      info = reg.datasets.create(f.name, nlohmann::json::object())->describe(nlohmann::json::object());
    } catch (const Error& e) {
      // A damaged file is reported, not fatal: the other datasets are still listed.
      info.name = f.name;
      info.available = false;
      info.install_hint = e.what();
    }
    list.push_back(info_json(info, f));
  }
  if (vm.count("json")) {
    std::cout << nlohmann::json{{"datasets", list}}.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& d : list) {
    std::cout << d["name"].get<std::string>() << "  (" << d["description"].get<std::string>() << ")\n";
    if (d["available"].get<bool>()) {
      std::cout << "    samples " << shape_to_string(d["sample_shape"].get<Shape>()) << ", " << d["size"]
                << " = " << d["train_size"] << " train + " << d["test_size"] << " test\n";
      if (!d["class_names"].empty())
        std::cout << "    classes " << join(d["class_names"].get<std::vector<std::string>>()) << "\n";
      if (!d["location"].get<std::string>().empty())
        std::cout << "    from    " << d["location"].get<std::string>() << "\n";
    } else {
      // The file formats (idx, csv, npy) are not missing, they wait for the user's files.
      const std::string hint = d["install_hint"].get<std::string>();
      std::cout << (hint.rfind("a file format", 0) == 0 ? "    " : "    not available: ") << hint << "\n";
    }
  }
  return kExitOk;
}

}  // namespace glassbox::app
