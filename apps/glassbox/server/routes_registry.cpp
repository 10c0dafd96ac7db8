// GET /api/registry: the layer, optimizer and dataset factories with their parameter
// schemas, so the page's forms follow the loaded plugins. GET /api/datasets: what each
// dataset holds (shape, classes, sizes) or how to install it. GET /api/examples: the
// experiment files of the examples folder, offered by the page as presets.
#include <algorithm>
#include <filesystem>
#include <mutex>

#include "glassbox/experiment.h"

#include "route_handler.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

template <class T>
json family_json(const FactoryRegistry<T>& r) {
  json out = json::array();
  for (const auto& i : r.list())
    out.push_back({{"name", i.name}, {"description", i.description}, {"parameters", i.parameters},
                   {"origin", i.origin}});
  return out;
}

json describe_datasets(const Registry& reg) {
  json out = json::array();
  for (const auto& f : reg.datasets.list()) {
    json d = {{"name", f.name}, {"description", f.description}, {"parameters", f.parameters}};
    try {
      auto source = reg.datasets.create(f.name, json::object());
      DatasetInfo info = source->describe(json::object());
      d["available"] = info.available;
      d["sample_shape"] = info.sample_shape;
      d["train_size"] = info.train_size;
      d["test_size"] = info.test_size;
      d["class_names"] = info.class_names;
      if (!info.install_hint.empty()) d["install_hint"] = info.install_hint;
      if (!info.location.empty()) d["location"] = info.location;
    } catch (const std::exception& e) {
      // A dataset that needs options (a CSV path) cannot describe itself without them.
      d["available"] = false;
      d["needs_options"] = true;
      d["error"] = e.what();
    }
    out.push_back(d);
  }
  return out;
}

}  // namespace

void add_registry_routes(WebServer& s) {
  s.http.Get("/api/registry", json_route([&s](const httplib::Request&, httplib::Response& res) {
    json plugins = json::array();
    for (const auto& p : s.registry.plugins())
      plugins.push_back({{"name", p.name}, {"version", p.version}, {"layers", p.layers},
                         {"optimizers", p.optimizers}, {"datasets", p.datasets}});
    send_json(res, {{"layers", family_json(s.registry.layers)},
                    {"optimizers", family_json(s.registry.optimizers)},
                    {"datasets", family_json(s.registry.datasets)},
                    {"plugins", plugins},
                    {"relevance", Inspector::relevance_methods()},
                    {"limits", {{"max_body_bytes", s.options.max_body_bytes}}}});
  }));

  // Describing reads file headers; do it once per server.
  auto cache = std::make_shared<std::pair<std::once_flag, json>>();
  s.http.Get("/api/datasets", json_route([&s, cache](const httplib::Request&, httplib::Response& res) {
    std::call_once(cache->first, [&] { cache->second = describe_datasets(s.registry); });
    send_json(res, {{"datasets", cache->second}});
  }));

  s.http.Get("/api/examples", json_route([&s](const httplib::Request&, httplib::Response& res) {
    json out = json::array();
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (!s.options.examples_dir.empty())
      for (std::filesystem::directory_iterator it(s.options.examples_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".json") files.push_back(it->path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      try {
        Experiment e = load_experiment(f.string());
        out.push_back({{"file", f.filename().string()}, {"config", e.config}});
      } catch (const std::exception&) {
        // Not an experiment (or broken): not offered.
      }
    }
    send_json(res, {{"examples", out}});
  }));
}

}  // namespace glassbox::server
