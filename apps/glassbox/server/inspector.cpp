#include "inspector.h"

#include <algorithm>
#include <array>
#include <map>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>

#include <xtensor/xadapt.hpp>

#include "glassbox/softmax.h"
#include "glassbox/error.h"
#include "glassbox/experiment_data.h"
#include "glassbox/model.h"
#include "http_json.h"
#include "relevance_bridge.h"
#include "tensor_pack.h"

namespace glassbox::server {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Inspector::LoadedRun {
  std::mutex mutex;  // a forward pass uses the layers' own buffers: one at a time
  std::string id, dir;
  fs::file_time_type model_time;
  json config;
  std::unique_ptr<MyDeepLearning> model;
  std::unique_ptr<ExperimentData> data;
  std::string data_error;  // why the data could not be loaded, if so
  bool data_tried = false;

  // The experiment's data, loaded on first need (the same views as training: same seed).
  const ExperimentData& need_data(const Registry& registry) {
    if (!data_tried) {
      data_tried = true;
      try {
        if (!config.is_object() || !config.contains("data"))
          throw ConfigError("config.json has no data section");
        data = std::make_unique<ExperimentData>(
            load_experiment_data(config["data"], registry, id + "/config.json"));
      } catch (const std::exception& e) {
        data_error = e.what();
      }
    }
    if (!data) throw HttpError(409, "the data of run '" + id + "' cannot be loaded: " + data_error);
    return *data;
  }

  const LabeledData& split(const Registry& registry, const std::string& name) {
    const ExperimentData& d = need_data(registry);
    if (name == "test") return d.test;
    if (name == "unseen") return d.unseen;
    if (name == "train") return d.train;
    throw HttpError(400, "unknown split '" + name + "' (known: test, unseen, train)");
  }
};

namespace {

bool ends_in_softmax(MyDeepLearning& m) {
  if (m.size() == 0) return false;
  const Layer& last = m.layer(m.size() - 1);
  return last.kind() == LayerKind::softmax || last.activation() == Activation::softmax;
}

// Applies the data's normalization to raw features (the page sends pixels in 0..1, the
// range of raw features for image datasets scaled by 1/255).
void normalize_like(const LabeledData& ref, std::vector<float>& x) {
  const auto& mean = ref.normalization_mean();
  const auto& inv = ref.normalization_inv_std();
  if (mean.size() != x.size() || inv.size() != x.size()) return;
  for (std::size_t k = 0; k < x.size(); ++k) x[k] = (x[k] - mean[k]) * inv[k];
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

}  // namespace

Inspector::Inspector(const Registry& registry, const RunStore& runs, std::size_t cached_runs)
    : registry_(registry), runs_(runs), capacity_(std::max<std::size_t>(1, cached_runs)) {}

Inspector::~Inspector() = default;

void Inspector::forget(const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  cache_.remove_if([&](const auto& e) { return e.first == run_id; });
}

std::shared_ptr<Inspector::LoadedRun> Inspector::load(const std::string& run_id) {
  std::string dir = runs_.dir(run_id);  // 400/404 for bad or unknown IDs
  // Both inside the run folder: a model/ that links elsewhere is no model of this run.
  const std::string model_dir = runs_.file(run_id, "model");
  const std::string model_file = runs_.file(run_id, "model/model.json");
  std::error_code ec;
  auto model_time = fs::last_write_time(model_file, ec);
  if (model_dir.empty() || model_file.empty() || ec)
    throw HttpError(409, "run '" + run_id + "' has no trained model yet (model/model.json)");
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = cache_.begin(); it != cache_.end(); ++it)
    if (it->first == run_id) {
      if (it->second->model_time == model_time) {
        cache_.splice(cache_.begin(), cache_, it);
        return cache_.front().second;
      }
      cache_.erase(it);  // the run was re-trained: reload
      break;
    }
  auto run = std::make_shared<LoadedRun>();
  run->id = run_id;
  run->dir = dir;
  run->model_time = model_time;
  run->config = read_json_file(runs_.file(run_id, "config.json"));
  try {
    run->model = std::make_unique<MyDeepLearning>(MyDeepLearning::load(model_dir, registry_));
  } catch (const Error& e) {
    throw HttpError(409, std::string("the model of run '") + run_id + "' cannot be loaded: " + e.what());
  }
  cache_.emplace_front(run_id, run);
  while (cache_.size() > capacity_) cache_.pop_back();
  return run;
}

json Inspector::relevance_methods() { return relevance_capabilities(); }

namespace {

// What is inspected: the input as the model takes it (x), as shown (raw), where it came
// from, and the class names.
struct InspectInput {
  json source;
  std::vector<float> x, raw;
  std::vector<std::string> class_names;
};

// {"pixels": [...]}: values in 0..1, normalised as the run's data when it is available.
void read_pixels(const json& px, InspectInput& in, const std::function<const LabeledData&()>& test_split) {
  const std::size_t n_in = in.x.size();
  if (!px.is_array() || px.size() != n_in)
    throw HttpError(400, "'pixels' must be a list of " + std::to_string(n_in) + " numbers (the model's input " +
                             "size), got " + (px.is_array() ? std::to_string(px.size()) + " values" : px.type_name()));
  for (std::size_t k = 0; k < n_in; ++k) {
    if (!px[k].is_number()) throw HttpError(400, "'pixels." + std::to_string(k) + "' must be a number");
    float v = px[k].get<float>();
    if (!std::isfinite(v)) throw HttpError(400, "'pixels." + std::to_string(k) + "' must be finite");
    in.raw[k] = in.x[k] = std::clamp(v, 0.0f, 1.0f);
  }
  in.source = {{"kind", "pixels"}};
  try {
    const LabeledData& ref = test_split();
    normalize_like(ref, in.x);
    in.class_names = ref.class_names();
  } catch (const HttpError&) {
    in.source["warning"] = "the run's data is not available: the pixels are used without normalization";
  }
}

// {"split": ..., "index": N}: a sample of the run's data, and its label.
void read_sample(const json& request, InspectInput& in,
                 const std::function<const LabeledData&(const std::string&)>& split_of) {
  const std::size_t n_in = in.x.size();
  if (request.contains("split") && !request["split"].is_string())
    throw HttpError(400, "'split' must be one of \"test\", \"unseen\", \"train\", got " +
                             request["split"].dump().substr(0, 100));
  std::string split = request.value("split", "test");
  if (!request.contains("index") || !request["index"].is_number_integer() || request["index"].get<long long>() < 0)
    throw HttpError(400, "give 'index' (a non-negative integer into the '" + split + "' split) or 'pixels'");
  const LabeledData& d = split_of(split);
  std::size_t index = request["index"].get<std::size_t>();
  if (index >= d.size())
    throw HttpError(400, "index " + std::to_string(index) + " is outside the " + split + " split (" +
                             std::to_string(d.size()) + " images)");
  if (d.sample_size() != n_in)
    throw HttpError(409, "the data's samples have " + std::to_string(d.sample_size()) +
                             " values but the model takes " + std::to_string(n_in));
  d.gather(&index, 1, in.x.data());
  d.raw(index, in.raw.data());
  in.class_names = split_of("test").class_names();
  int src = d.original_label(index);
  const auto& names = d.source_class_names();
  in.source = {{"kind", split}, {"index", index}, {"label", src},
               {"label_name", src >= 0 && std::size_t(src) < names.size() ? names[src] : std::to_string(src)}};
  if (split != "unseen") in.source["target"] = d.label(index);
}

// One forward pass, every layer's output into the pack; their descriptions into `layers`,
// in the order the pass runs them, each naming the nodes it takes ("inputs": "input" for
// the model's input), so the page can draw the graph whatever its topology.
Tensor forward_layers(MyDeepLearning& model, const Tensor& input, TensorPack& pack, json& layers) {
  return model.forward(input, [&](std::size_t i, const Layer& layer, const Tensor&, const Tensor& output) {
    auto desc = pack.add(output.data(), output.size(), sample_shape_of(output));
    float lo = output.size() ? *std::min_element(output.begin(), output.end()) : 0.f;
    float hi = output.size() ? *std::max_element(output.begin(), output.end()) : 0.f;
    layers.push_back({{"index", i},
                      {"name", layer.name()},
                      {"type", layer.type()},
                      {"kind", to_string(layer.kind())},
                      {"activation", to_string(layer.activation())},
                      {"inputs", model.layer_input_names(i)},
                      {"values", desc},
                      {"min", lo},
                      {"max", hi}});
  });
}

// The request's "relevance": null/false (none), true or an object of options.
bool wants_relevance(const json& request) {
  if (!request.contains("relevance") || request["relevance"].is_null()) return false;
  const json& r = request["relevance"];
  if (!r.is_object() && !r.is_boolean())
    throw HttpError(400, "'relevance' must be an object of options, true or false, got a " + std::string(r.type_name()));
  return r != false;
}

}  // namespace

std::string Inspector::inspect(const std::string& run_id, const json& request) {
  if (!request.is_object()) throw HttpError(400, "the inspect request must be a JSON object");
  auto run = load(run_id);
  std::lock_guard<std::mutex> lock(run->mutex);
  MyDeepLearning& model = *run->model;
  const Shape& in_shape = model.input_shape();
  InspectInput in;
  in.x.assign(shape_size(in_shape), 0.0f);
  in.raw.assign(in.x.size(), 0.0f);
  const auto split_of = [&](const std::string& name) -> const LabeledData& { return run->split(registry_, name); };
  if (request.contains("pixels")) read_pixels(request["pixels"], in, [&]() -> const LabeledData& { return split_of("test"); });
  else read_sample(request, in, split_of);

  Tensor input = xt::adapt(in.x, batch_shape(1, in_shape));
  TensorPack pack;
  json layers = json::array();
  auto t0 = Clock::now();
  Tensor out = forward_layers(model, input, pack, layers);
  double forward_ms = ms_since(t0);

  std::vector<float> outputs(out.begin(), out.end());
  bool probs = ends_in_softmax(model);
  std::vector<float> p = outputs;
  if (!probs && !p.empty()) softmax_rows<float>(p.data(), p.data(), 1, p.size());
  int prediction = outputs.empty() ? -1 : int(std::max_element(outputs.begin(), outputs.end()) - outputs.begin());
  if (in.class_names.size() != outputs.size()) {
    in.class_names.clear();
    for (std::size_t k = 0; k < outputs.size(); ++k) in.class_names.push_back(std::to_string(k));
  }
  json header = {{"run", run_id},
                 {"source", in.source},
                 {"input", pack.add(in.raw.data(), in.raw.size(), in_shape)},
                 {"model_input", pack.add(in.x.data(), in.x.size(), in_shape)},
                 {"outputs", outputs},
                 {"outputs_are_probabilities", probs},
                 {"probabilities", p},
                 {"prediction", prediction},
                 {"class_names", in.class_names},
                 {"layers", layers}};
  json timing = {{"forward_ms", forward_ms}};
  if (wants_relevance(request)) {
    json opts = request["relevance"].is_object() ? request["relevance"] : json::object();
    auto t1 = Clock::now();
    header["relevance"] = explain_relevance(model, input, prediction, opts, in.class_names, pack);
    timing["relevance_ms"] = ms_since(t1);
  }
  header["timing"] = timing;
  return pack.finish(header);
}

std::string Inspector::samples(const std::string& run_id, const std::string& split, std::size_t offset,
                               std::size_t count, const std::vector<std::size_t>& indices) {
  auto run = load(run_id);
  std::lock_guard<std::mutex> lock(run->mutex);
  const LabeledData& d = run->split(registry_, split);
  std::vector<std::size_t> idx = indices;
  if (idx.empty())
    for (std::size_t i = offset; i < std::min(d.size(), offset + count); ++i) idx.push_back(i);
  for (auto i : idx)
    if (i >= d.size())
      throw HttpError(400, "index " + std::to_string(i) + " is outside the " + split + " split (" +
                               std::to_string(d.size()) + " images)");
  std::vector<float> pixels(idx.size() * d.sample_size());
  json labels = json::array();
  for (std::size_t k = 0; k < idx.size(); ++k) {
    d.raw(idx[k], pixels.data() + k * d.sample_size());
    labels.push_back(d.original_label(idx[k]));
  }
  std::vector<std::size_t> shape{idx.size()};
  shape.insert(shape.end(), d.sample_shape().begin(), d.sample_shape().end());
  TensorPack pack;
  json header = {{"run", run_id},         {"split", split},   {"size", d.size()},
                 {"indices", idx},        {"labels", labels}, {"class_names", d.source_class_names()},
                 {"images", pack.add(pixels.data(), pixels.size(), shape)}};
  return pack.finish(header);
}

namespace {

// A unit's value on the first n samples of d (a channel's spatial maximum when per_unit > 1).
std::vector<float> unit_values(MyDeepLearning& model, const LabeledData& d, std::size_t n, std::size_t layer,
                               std::size_t unit, std::size_t per_unit) {
  std::vector<float> value(n);
  const std::size_t batch = 256;
  for (std::size_t b = 0; b < n; b += batch) {
    std::size_t e = std::min(n, b + batch);
    Tensor x = d.batch_range(b, e);
    model.forward(x, [&](std::size_t i, const Layer&, const Tensor&, const Tensor& output) {
      if (i != layer) return;
      const std::size_t stride = output.size() / (e - b);
      for (std::size_t s = 0; s < e - b; ++s) {
        const float* v = output.data() + s * stride + unit * per_unit;
        value[b + s] = *std::max_element(v, v + per_unit);
      }
    });
  }
  return value;
}

// Per class: count, firing rate (value > threshold) and mean; the `top` highest samples.
json unit_summary(const LabeledData& d, const std::vector<float>& value, float threshold, std::size_t top) {
  const std::size_t n = value.size();
  std::map<int, std::array<double, 3>> per_class;  // label -> count, firing, sum
  for (std::size_t s = 0; s < n; ++s) {
    auto& c = per_class[d.original_label(s)];
    c[0] += 1;
    c[1] += value[s] > threshold;
    c[2] += value[s];
  }
  json classes = json::array();
  const auto& names = d.source_class_names();
  for (const auto& [label, c] : per_class)
    classes.push_back({{"label", label},
                       {"name", label >= 0 && std::size_t(label) < names.size() ? names[label] : std::to_string(label)},
                       {"count", c[0]},
                       {"firing_rate", c[1] / c[0]},
                       {"mean", c[2] / c[0]}});
  std::vector<std::size_t> order(n);
  for (std::size_t s = 0; s < n; ++s) order[s] = s;
  std::size_t k = std::min(top, n);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](std::size_t a, std::size_t b) { return value[a] > value[b]; });
  json best = json::array();
  for (std::size_t s = 0; s < k; ++s)
    best.push_back({{"index", order[s]}, {"value", value[order[s]]}, {"label", d.original_label(order[s])}});
  return {{"samples", n}, {"classes", classes}, {"top", best}};
}

void check_neuron_options(const json& request) {
  for (const char* key : {"limit", "top"})
    if (request.contains(key) && !request[key].is_number_integer())
      throw HttpError(400, std::string("'") + key + "' must be an integer, got " + request[key].dump().substr(0, 100));
  if (request.contains("threshold") && !request["threshold"].is_number())
    throw HttpError(400, "'threshold' must be a number, got " + request["threshold"].dump().substr(0, 100));
}

}  // namespace

namespace {

// The neuron request's "layer": a node's name (any topology) or a model index.
long requested_layer(const MyDeepLearning& model, const json& v) {
  if (v.is_string()) {
    for (std::size_t i = 0; i < model.size(); ++i)
      if (model.layer(i).name() == v.get<std::string>()) return long(i);
    std::string known;
    for (std::size_t i = 0; i < model.size() && i < 64; ++i) known += (i ? ", " : "") + model.layer(i).name();
    throw HttpError(400, "layer '" + v.get<std::string>().substr(0, 100) + "' is not a layer of this model (its layers: " +
                             known + (model.size() > 64 ? ", ..." : "") + ")");
  }
  const long layer = v.get<long>();
  if (layer < 0 || std::size_t(layer) >= model.size())
    throw HttpError(400, "layer " + std::to_string(layer) + " does not exist (the model has " +
                             std::to_string(model.size()) + " layers)");
  return layer;
}

}  // namespace

json Inspector::neuron(const std::string& run_id, const json& request) {
  if (!request.is_object() || !request.contains("layer") ||
      !(request["layer"].is_number_integer() || request["layer"].is_string()) || !request.contains("unit") ||
      !request["unit"].is_number_integer())
    throw HttpError(400, "the neuron request needs 'layer' (a layer's name or index) and an integer 'unit'");
  auto run = load(run_id);
  std::lock_guard<std::mutex> lock(run->mutex);
  MyDeepLearning& model = *run->model;
  const long layer = requested_layer(model, request["layer"]), unit = request["unit"].get<long>();
  const Shape& out_shape = model.layer_output_shape(layer);
  // Conv-like outputs (C, H, W): a unit is a channel; otherwise a unit is one value.
  const bool channels = out_shape.size() == 3;
  const std::size_t units = channels ? out_shape[0] : shape_size(out_shape);
  const std::size_t per_unit = channels ? out_shape[1] * out_shape[2] : 1;
  if (unit < 0 || std::size_t(unit) >= units)
    throw HttpError(400, "unit " + std::to_string(unit) + " does not exist in layer " + model.layer(layer).name() +
                             " (" + std::to_string(units) + " units)");
  check_neuron_options(request);
  const std::size_t limit = std::clamp<long long>(request.value("limit", 2000LL), 1LL, 20000LL);
  const std::size_t top = std::clamp<long long>(request.value("top", 8LL), 1LL, 64LL);
  const float threshold = request.value("threshold", 0.0f);

  json splits = json::object();
  for (const std::string split : {"test", "unseen"}) {
    const LabeledData& d = run->split(registry_, split);
    std::size_t n = std::min(limit, d.size());
    if (n == 0) continue;
    const std::vector<float> value = unit_values(model, d, n, std::size_t(layer), std::size_t(unit), per_unit);
    splits[split] = unit_summary(d, value, threshold, top);
  }
  return {{"run", run_id},
          {"layer", layer},
          {"layer_name", model.layer(layer).name()},
          {"unit", unit},
          {"unit_kind", channels ? "channel (spatial maximum)" : "neuron"},
          {"threshold", threshold},
          {"splits", splits}};
}

}  // namespace glassbox::server
