// Model folders: DIR/model.json (architecture with, for a graph, each layer's "inputs",
// compile settings, input shape, the list of weight files) and one .npy per parameter
// tensor, "<layer>.<param>.npy".
// A save writes everything into DIR.tmp, fsyncs it and swaps it with DIR (folder_swap.h),
// so at every instant DIR holds the old complete model or the new complete one.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/folder_swap.h"
#include "glassbox/json_text.h"
#include "glassbox/npy.h"
#include "model_impl.h"

namespace glassbox {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "glassbox-model";
constexpr int kFormatVersion = 1;

// Layer names are user text; keep file names portable.
std::string file_safe(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
  return out;
}

// A number from model.json as an integer in [lo, hi], checked before any conversion:
// nlohmann's get<> of 4.3e59 to an unsigned type is undefined behaviour.
std::uint64_t whole_number(const json& v, const std::string& json_path, const std::string& key, std::uint64_t lo,
                           std::uint64_t hi) {
  bool ok = false;
  std::uint64_t n = 0;
  if (v.is_number_unsigned()) {
    n = v.get<std::uint64_t>();
    ok = true;
  } else if (v.is_number_integer()) {
    ok = v.get<std::int64_t>() >= 0;
    n = ok ? static_cast<std::uint64_t>(v.get<std::int64_t>()) : 0;
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    ok = std::isfinite(d) && std::trunc(d) == d && d >= 0 && d < 18446744073709551616.0;
    n = ok ? static_cast<std::uint64_t>(d) : 0;
  }
  if (!ok || n < lo || n > hi)
    throw DataError(json_path + ": '" + key + "' must be a whole number from " + std::to_string(lo) + " to " +
                    std::to_string(hi) + ", got " + v.dump());
  return n;
}

Shape shape_value(const json& v, const std::string& json_path, const std::string& key) {
  if (!v.is_array() || v.empty() || v.size() > 8)
    throw DataError(json_path + ": '" + key + "' must be a list of 1 to 8 sizes, got " + v.dump());
  Shape out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out.push_back(whole_number(v[i], json_path, key + "." + std::to_string(i), 1, std::uint64_t{1} << 31));
  return out;
}

// Refuses a folder that does not hold a complete save: no model.json, a leftover
// temporary file, a staging folder, or a folder inside an unfinished results folder.
void check_complete_model_folder(const fs::path& folder) {
  std::error_code ec;
  const std::string name = folder.filename().string();
  const std::string hint = " (an interrupted or unfinished save; save the model again)";
  if (!fs::is_directory(folder, ec)) {
    if (fs::exists(staging_folder(folder.string()), ec))
      throw DataError(folder.string() + ": no saved model here, only the incomplete model folder " +
                      staging_folder(folder.string()) + hint);
    throw DataError(folder.string() + ": no such model folder");
  }
  if (is_temporary_name(name))
    throw DataError(folder.string() + ": incomplete model folder (a '.tmp' staging folder)" + hint);
  if (fs::exists(folder.parent_path() / kIncompleteMarker, ec) ||
      is_temporary_name(folder.parent_path().filename().string()))
    throw DataError(folder.string() + ": incomplete model folder: " + folder.parent_path().string() +
                    " is a results folder still being written or interrupted (it holds " + kIncompleteMarker +
                    " or is a staging folder)");
  if (!fs::exists(folder / "model.json", ec))
    throw DataError(folder.string() + ": incomplete model folder (no model.json)" + hint);
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (is_temporary_name(it->path().filename().string()))
      throw DataError(folder.string() + ": incomplete model folder (leftover temporary file " +
                      it->path().filename().string() + ")" + hint);
}

// Only an empty folder or a saved model may be replaced by a save: anything else there
// is the user's and would be deleted by the swap.
void check_replaceable(const fs::path& target) {
  std::error_code ec;
  if (!fs::exists(target, ec)) return;
  if (!fs::is_directory(target, ec)) throw Error(target.string() + ": exists and is not a folder; not replacing it");
  for (fs::directory_iterator it(target, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string f = it->path().filename().string();
    const bool ours =
        f == "model.json" || (f.size() > 4 && f.compare(f.size() - 4, 4, ".npy") == 0) || is_temporary_name(f);
    if (!ours)
      throw Error(target.string() + ": exists and holds '" + f +
                  "', which is not part of a saved model; not replacing it (choose another folder)");
  }
}

}  // namespace

void MyDeepLearning::save(const std::string& dir) {
  auto& im = *impl_;
  if (!im.built) throw Error("cannot save the model to " + dir + ": it is not built yet (call build or fit first)");
  if (dir.empty()) throw ConfigError("save: empty folder name");
  const fs::path target = folder_path(dir);  // "out/model/" -> "out/model"
  if (is_temporary_name(target.filename().string()))
    throw ConfigError(dir + ": a model folder name must not end in '.tmp' (names of unfinished saves)");
  check_replaceable(target);
  const fs::path tmp = staging_folder(target.string());
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw Error(tmp.string() + ": cannot create folder (" + ec.message() + ")");

  json weights = json::array();
  for (auto& l : im.layers)
    for (auto& p : l->params()) {
      const std::string file = file_safe(l->name()) + "." + file_safe(p.name) + ".npy";
      write_npy((tmp / file).string(), *p.value);
      weights.push_back({{"layer", l->name()}, {"param", p.name}, {"role", to_string(p.role)}, {"file", file},
                         {"shape", shape_of(*p.value)}, {"trainable", p.trainable}});
    }
  json doc = config();
  doc = {{"format", kFormat}, {"version", kFormatVersion}, {"seed", im.seed}, {"input_shape", im.input_shape},
         {"layers", doc["layers"]}, {"weights", weights}};
  if (im.compiled)
    doc["compile"] = {{"optimizer", im.optimizer->config()}, {"loss", im.loss_name}, {"metrics", im.metrics}};
  if (!im.class_names.empty()) doc["classes"] = im.class_names;
  write_file_atomic((tmp / "model.json").string(), doc.dump(2) + "\n");

  fsync_tree(tmp.string());
  swap_folder_into_place(tmp.string(), target.string());
}

namespace {

// model.json of a complete model folder, parsed; a syntax error is a DataError naming it.
json read_model_json(const std::string& json_path) {
  const std::string text = read_regular_file(json_path, kMaxJsonFileBytes, "model file");
  try {
    return parse_json_text(text, json_path);
  } catch (const JsonTextError& e) {
    throw DataError(e.what());
  }
}

const json& need(const json& doc, const char* key, const std::string& json_path) {
  if (!doc.is_object() || !doc.contains(key)) throw DataError(json_path + ": missing key '" + key + "'");
  return doc[key];
}

// The format, version, input_shape, layers and weights keys; each weights entry's fields.
void check_model_document(const json& doc, const std::string& json_path) {
  if (need(doc, "format", json_path) != kFormat)
    throw DataError(json_path + ": not a glassbox model (format " + doc["format"].dump() + ")");
  if (whole_number(need(doc, "version", json_path), json_path, "version", 1, 1000000) > kFormatVersion)
    throw DataError(json_path + ": model format version " + doc["version"].dump() + " is newer than this glassbox reads (" +
                    std::to_string(kFormatVersion) + ")");
  (void)shape_value(need(doc, "input_shape", json_path), json_path, "input_shape");
  const json& layers = need(doc, "layers", json_path);
  if (!layers.is_array()) throw DataError(json_path + ": 'layers' must be a list, got " + layers.dump());
  const json& weights = need(doc, "weights", json_path);
  if (!weights.is_array()) throw DataError(json_path + ": 'weights' must be a list, got " + weights.dump());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const std::string key = "weights." + std::to_string(i);
    const json& w = weights[i];
    for (const char* field : {"layer", "param", "file"})
      if (!w.is_object() || !w.contains(field) || !w[field].is_string())
        throw DataError(json_path + ": '" + key + "." + field + "' must be a string, got " +
                        (w.is_object() && w.contains(field) ? w[field].dump() : std::string("nothing")));
    if (w.contains("shape")) shape_value(w["shape"], json_path, key + ".shape");
    if (!w.contains("role")) continue;
    if (!w["role"].is_string()) throw DataError(json_path + ": '" + key + ".role' must be a string, got " + w["role"].dump());
    try {
      param_role_from_string(w["role"].get<std::string>());
    } catch (const ConfigError& e) {
      throw DataError(json_path + ": '" + key + ".role': " + e.what());
    }
  }
}

// The optional compile section: a loss name, an optimizer (name or object with a type),
// a list of metric names.
void check_compile_section(const json& doc, const std::string& json_path) {
  if (!doc.contains("compile") || !doc["compile"].is_object()) return;
  const json& c = doc["compile"];
  if (c.contains("loss") && !c["loss"].is_string())
    throw DataError(json_path + ": 'compile.loss' must be a string, got " + c["loss"].dump());
  if (c.contains("optimizer") && !c["optimizer"].is_string() &&
      !(c["optimizer"].is_object() && c["optimizer"].value("type", json()).is_string()))
    throw DataError(json_path + ": 'compile.optimizer' must be a name or an object with a 'type', got " +
                    c["optimizer"].dump());
  if (c.contains("metrics") && !(c["metrics"].is_array() && std::all_of(c["metrics"].begin(), c["metrics"].end(),
                                                                        [](const json& m) { return m.is_string(); })))
    throw DataError(json_path + ": 'compile.metrics' must be a list of names, got " + c["metrics"].dump());
}

// One weights entry into parameter p of layer `layer_name`: the name, role and shape
// must be the ones the rebuilt layer has.
void load_parameter(const json& w, std::size_t i, const std::string& layer_name, ParamRef& p, const fs::path& folder,
                    const std::string& json_path) {
  const std::string listed = w.value("layer", "") + "." + w.value("param", "");
  if (w.value("layer", "") != layer_name || w.value("param", "") != p.name)
    throw DataError(json_path + ": weights." + std::to_string(i) + " is '" + listed + "', expected '" + layer_name + "." +
                    p.name + "'");
  // Files written before roles were recorded have none: the rebuilt layer's role holds.
  if (w.contains("role") && w["role"].get<std::string>() != to_string(p.role))
    throw DataError(json_path + ": weights." + std::to_string(i) + " (" + listed + ") has role '" +
                    w["role"].get<std::string>() + "', the layer gives it role '" + to_string(p.role) + "'");
  const std::string file = (folder / w.value("file", "")).string();
  if (!fs::exists(file)) throw DataError(file + ": missing (model.json lists it for " + listed + ")");
  NpyArray a = read_npy(file);
  const Shape want = shape_of(*p.value);
  if (a.shape != want)
    throw DataError(file + ": has shape " + shape_to_string(a.shape) + " but " + listed + " needs " + shape_to_string(want));
  if (a.dtype == "<f4") {
    std::memcpy(p.value->data(), a.bytes.data(), a.bytes.size());
  } else {
    std::vector<float> v = a.as_float();
    std::copy(v.begin(), v.end(), p.value->data());
  }
}

// Every parameter the rebuilt model has must be listed, in the same order, with its shape.
void load_parameters(MyDeepLearning& model, const json& weights, const fs::path& folder, const std::string& json_path) {
  std::vector<std::pair<std::string, ParamRef>> params;
  for (std::size_t l = 0; l < model.size(); ++l)
    for (auto& p : model.layer(l).params()) params.emplace_back(model.layer(l).name(), p);
  if (weights.size() != params.size())
    throw DataError(json_path + ": lists " + std::to_string(weights.size()) + " weight files, the architecture has " +
                    std::to_string(params.size()) + " parameter tensors");
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!weights[i].is_object()) throw DataError(json_path + ": weights." + std::to_string(i) + " must be an object");
    load_parameter(weights[i], i, params[i].first, params[i].second, folder, json_path);
  }
}

void load_class_names(MyDeepLearning& model, const json& doc, const std::string& json_path) {
  if (!doc.contains("classes")) return;
  const json& c = doc["classes"];
  if (!c.is_array() || !std::all_of(c.begin(), c.end(), [](const json& n) { return n.is_string(); }))
    throw DataError(json_path + ": 'classes' must be a list of names, got " + c.dump());
  try {
    model.set_class_names(c.get<std::vector<std::string>>());
  } catch (const ConfigError& e) {
    throw DataError(json_path + ": " + e.what());
  }
}

}  // namespace

MyDeepLearning MyDeepLearning::load(const std::string& dir, const Registry& registry) {
  fs::path folder(dir);
  if (folder.filename().empty()) folder = folder.parent_path();  // "out/model/" -> "out/model"
  check_complete_model_folder(folder);
  const std::string json_path = (folder / "model.json").string();
  const json doc = read_model_json(json_path);
  check_model_document(doc, json_path);
  check_compile_section(doc, json_path);
  const std::uint64_t seed =
      doc.contains("seed") ? whole_number(doc["seed"], json_path, "seed", 0, UINT64_MAX) : std::uint64_t{42};
  MyDeepLearning model(registry, seed);
  const json& layers = doc["layers"];
  for (std::size_t i = 0; i < layers.size(); ++i) {
    try {
      model.add(layers[i]);
    } catch (const ConfigError& e) {
      throw ConfigError(json_path + ": layers." + std::to_string(i) + ": " + e.what());
    }
  }
  try {
    model.build(shape_value(doc["input_shape"], json_path, "input_shape"));  // the graph's checks name the layer
  } catch (const ConfigError& e) {
    throw ConfigError(json_path + ": " + e.what());
  }
  load_parameters(model, doc["weights"], folder, json_path);
  load_class_names(model, doc, json_path);
  if (doc.contains("compile") && doc["compile"].is_object()) {
    const json& c = doc["compile"];
    const json opt = c.value("optimizer", json("sgd"));
    const std::string type = opt.is_string() ? opt.get<std::string>() : opt.value("type", "");
    // A model is usable for prediction without the optimizer plugin; compile when we can.
    if (registry.optimizers.contains(type))
      model.compile(opt, c.value("loss", "sparse_categorical_crossentropy"),
                    c.value("metrics", std::vector<std::string>{"accuracy"}));
    else
      model.impl_->loss_name = c.value("loss", "");
  }
  return model;
}

}  // namespace glassbox
