// Model folders: DIR/model.json (architecture, compile settings, input shape, the list of
// weight files) and one .npy per parameter tensor, "<layer>.<param>.npy".
// A save writes everything into DIR.tmp and renames it into place, so a crash never
// leaves a half-written model where a good one was.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/shape_check.h"
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

Shape shape_of(const Tensor& t) { return Shape(t.shape().begin(), t.shape().end()); }

}  // namespace

void MyDeepLearning::save(const std::string& dir) {
  auto& im = *impl_;
  if (!im.built) throw Error("cannot save the model to " + dir + ": it is not built yet (call build or fit first)");
  if (dir.empty()) throw ConfigError("save: empty folder name");
  fs::path target = fs::path(dir);
  if (target.filename().empty()) target = target.parent_path();  // "out/model/" -> "out/model"
  const fs::path tmp = target.string() + ".tmp";
  const fs::path old = target.string() + ".old";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw Error(tmp.string() + ": cannot create folder (" + ec.message() + ")");

  json weights = json::array();
  for (auto& l : im.layers)
    for (auto& p : l->params()) {
      const std::string file = file_safe(l->name()) + "." + file_safe(p.name) + ".npy";
      write_npy((tmp / file).string(), *p.value);
      weights.push_back({{"layer", l->name()}, {"param", p.name}, {"file", file},
                         {"shape", shape_of(*p.value)}, {"trainable", p.trainable}});
    }
  json doc = config();
  doc = {{"format", kFormat}, {"version", kFormatVersion}, {"seed", im.seed}, {"input_shape", im.input_shape},
         {"layers", doc["layers"]}, {"weights", weights}};
  if (im.compiled)
    doc["compile"] = {{"optimizer", im.optimizer->config()}, {"loss", im.loss_name}, {"metrics", im.metrics}};
  write_file_atomic((tmp / "model.json").string(), doc.dump(2) + "\n");

  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  fs::remove_all(old, ec);
  if (fs::exists(target)) {
    fs::rename(target, old, ec);
    if (ec) throw Error(target.string() + ": cannot replace the existing model folder (" + ec.message() + ")");
  }
  fs::rename(tmp, target, ec);
  if (ec) throw Error(target.string() + ": cannot move the saved model into place (" + ec.message() + ")");
  fs::remove_all(old, ec);
}

MyDeepLearning MyDeepLearning::load(const std::string& dir, const Registry& registry) {
  const fs::path folder(dir);
  const std::string json_path = (folder / "model.json").string();
  std::ifstream f(json_path, std::ios::binary);
  if (!f) throw DataError(json_path + ": cannot open (is '" + dir + "' a saved model folder?)");
  std::stringstream ss;
  ss << f.rdbuf();
  json doc;
  try {
    doc = parse_json_text(ss.str(), json_path);
  } catch (const JsonTextError& e) {
    throw DataError(e.what());
  }
  auto need = [&](const char* key) -> const json& {
    if (!doc.is_object() || !doc.contains(key)) throw DataError(json_path + ": missing key '" + key + "'");
    return doc[key];
  };
  if (need("format") != kFormat) throw DataError(json_path + ": not a glassbox model (format " + doc["format"].dump() + ")");
  if (need("version").get<int>() > kFormatVersion)
    throw DataError(json_path + ": model format version " + doc["version"].dump() + " is newer than this glassbox reads (" +
                    std::to_string(kFormatVersion) + ")");
  Shape input_shape;
  try {
    input_shape = shape_from_json(need("input_shape"), "'input_shape'");
  } catch (const ConfigError& e) {
    throw DataError(json_path + ": " + e.what());
  }

  MyDeepLearning model(registry, doc.value("seed", 42ULL));
  const json& layers = need("layers");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    try {
      model.add(layers[i]);
    } catch (const ConfigError& e) {
      throw ConfigError(json_path + ": layers." + std::to_string(i) + ": " + e.what());
    }
  }
  model.build(input_shape);

  // Every parameter the rebuilt model has must be listed, in the same order, with its shape.
  const json& weights = need("weights");
  if (!weights.is_array()) throw DataError(json_path + ": 'weights' must be a list, got " + weights.dump().substr(0, 80));
  std::vector<std::pair<std::string, ParamRef>> params;
  for (auto& l : model.impl_->layers)
    for (auto& p : l->params()) params.emplace_back(l->name(), p);
  if (weights.size() != params.size())
    throw DataError(json_path + ": lists " + std::to_string(weights.size()) + " weight files, the architecture has " +
                    std::to_string(params.size()) + " parameter tensors");
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto& [layer_name, p] = params[i];
    const json& w = weights[i];
    if (!w.is_object()) throw DataError(json_path + ": weights." + std::to_string(i) + " must be an object");
    const std::string listed = w.value("layer", "") + "." + w.value("param", "");
    if (w.value("layer", "") != layer_name || w.value("param", "") != p.name)
      throw DataError(json_path + ": weights." + std::to_string(i) + " is '" + listed + "', expected '" + layer_name + "." +
                      p.name + "'");
    const std::string file = (folder / w.value("file", "")).string();
    if (!fs::exists(file))
      throw DataError(file + ": missing (model.json lists it for " + listed + ")");
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
