// glassbox explain --model DIR (--data NAME --index N | --count K | --input FILE.npy|FILE.png)
//                  --method lrp|gradient|gradient_x_input|integrated_gradients|smoothgrad|occlusion
//                  [--composite epsilon-plus] [--rule-param k=v]... [--target predicted|CLASS|all]
//                  [--evaluate] --out DIR
// Explains a saved model's decisions: relevance .npy, heatmap .png, explanations.json, and
// with --evaluate the region-perturbation curves (MoRF / LeRF / random, AOPC).
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "command.h"
#include "model_source.h"
#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "glassbox/experiment_data.h"
#include "glassbox/file_input.h"
#include "glassbox/json_text.h"
#include "glassbox/explain/explanation_report.h"
#include "glassbox/explain/perturbation.h"
#include "glassbox/model.h"
#include "glassbox/npy.h"
#include "options.h"

namespace glassbox::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

std::vector<long> parse_indices(const std::vector<std::string>& words) {
  std::vector<long> out;
  for (const auto& w : words) {
    std::stringstream ss(w);
    std::string item;
    while (std::getline(ss, item, ',')) {
      try {
        std::size_t used = 0;
        long v = std::stol(item, &used);
        if (used != item.size() || v < 0) throw std::invalid_argument(item);
        out.push_back(v);
      } catch (const std::exception&) {
        throw ConfigError("--index: expected sample numbers (e.g. 3 or 3,17), got '" + w + "'");
      }
    }
  }
  return out;
}

// The composite option: a registered name, inline JSON (entries or an object), or a JSON file.
json parse_composite(const std::string& text) {
  if (!text.empty() && (text[0] == '{' || text[0] == '[')) {
    try {
      return parse_json_text(text, "--composite");
    } catch (const JsonTextError& e) {
      throw ConfigError(e.what());
    }
  }
  if (text.size() > 5 && text.substr(text.size() - 5) == ".json") {
    std::string content;
    try {
      content = read_regular_file(text, kMaxJsonFileBytes, "composite file");
    } catch (const DataError& e) {
      throw ConfigError(std::string("--composite: ") + e.what());
    }
    try {
      return parse_json_text(content, "--composite " + text);
    } catch (const JsonTextError& e) {
      throw ConfigError(e.what());
    }
  }
  return text;
}

// A user's file as a batch of samples of the model's input shape.
Tensor read_input_file(const std::string& path, const Shape& sample, const LabeledData* normalization) {
  Tensor x;
  if (path.size() > 4 && path.substr(path.size() - 4) == ".png") {
    if (sample.size() != 3) throw ConfigError(path + ": PNG inputs need an image model (C, H, W), the model takes " + shape_to_string(sample));
    Tensor img = explain::read_png(path, sample[0]);
    if (img.shape(1) != sample[1] || img.shape(2) != sample[2])
      throw DataError(path + ": the image is " + std::to_string(img.shape(2)) + "x" + std::to_string(img.shape(1)) +
                      " pixels, the model expects " + std::to_string(sample[2]) + "x" + std::to_string(sample[1]));
    x = Tensor::from_shape(batch_shape(1, sample));
    std::copy(img.begin(), img.end(), x.begin());
    // Pixels come as byte/255, as the datasets' "scale" normalization; "standardize" also
    // subtracts the training mean and divides by its std, so apply the same statistics.
    if (normalization && !normalization->normalization_mean().empty()) {
      const auto& mean = normalization->normalization_mean();
      const auto& inv = normalization->normalization_inv_std();
      for (std::size_t k = 0; k < x.size(); ++k) {
        const std::size_t f = mean.size() == x.size() ? k : 0;
        x.data()[k] = (x.data()[k] - mean[f]) * inv[f];
      }
    }
    return x;
  }
  NpyArray a = read_npy(path);
  std::vector<float> v = a.as_float();
  const std::size_t per = shape_size(sample);
  if (per == 0 || v.size() % per != 0 || v.empty())
    throw DataError(path + ": holds " + std::to_string(v.size()) + " values (shape " + shape_to_string(a.shape) +
                    "), not a whole number of samples of shape " + shape_to_string(sample));
  x = Tensor::from_shape(batch_shape(v.size() / per, sample));
  std::copy(v.begin(), v.end(), x.begin());
  return x;
}

// The command line's lists (repeatable options) and its options.
struct ExplainArgs {
  std::vector<std::string> indices, inputs, rule_params, params, eval_params;
};

po::options_description explain_options(ExplainArgs& a) {
  po::options_description desc("explain options");
  desc.add_options()
      ("model", po::value<std::string>(), "model folder (model.json + .npy), e.g. runs/NAME/model, the run folder, or an ONNX file (.onnx)")
      ("data", po::value<std::string>(), "dataset name (default: the data of the model's run, from its config.json)")
      ("split", po::value<std::string>()->default_value("test"), "test, train or unseen")
      ("index", po::value<std::vector<std::string>>(&a.indices), "sample number(s) in the split: N or N,M,... (repeatable)")
      ("count", po::value<std::size_t>(), "explain the first K samples of the split")
      ("input", po::value<std::vector<std::string>>(&a.inputs), "your own input: FILE.npy (one or more samples) or FILE.png (repeatable)")
      ("method", po::value<std::string>()->default_value(explain::kDefaultMethod),
       join(explain::attribution_method_names()).c_str())
      ("composite", po::value<std::string>()->default_value("epsilon-plus"),
       ("LRP composite: " + join(explain::composite_names()) +
        ", or a JSON list / .json file of {\"match\": ..., \"rule\": ...} entries").c_str())
      ("rule-param", po::value<std::vector<std::string>>(&a.rule_params),
       ("LRP rule parameter k=v: " + explain::rule_parameter_names() + " (repeatable)").c_str())
      ("param", po::value<std::vector<std::string>>(&a.params),
       "baseline parameter k=v: steps, baseline (integrated_gradients), samples, noise, seed (smoothgrad), "
       "patch, stride, value (occlusion) (repeatable)")
      ("target", po::value<std::string>()->default_value("predicted"), "predicted, a class number, or all")
      ("evaluate", "also run region perturbation (MoRF, LeRF, random order; AOPC) on the explained samples")
      ("eval-param", po::value<std::vector<std::string>>(&a.eval_params),
       "perturbation option k=v: region, steps, regions_per_step, fill (uniform|value|mean), low, high, value, seed")
      ("max-files", po::value<std::size_t>()->default_value(64), "write heatmaps/.npy for at most N rows (the summary lists all)")
      ("batch-size", po::value<std::size_t>()->default_value(256), "rows explained together")
      ("colormap", po::value<std::string>()->default_value("bwr"), "heatmap colormap: bwr or seismic")
      ("out", po::value<std::string>(), "output folder")
      ("help,h", "show this help");
  return desc;
}

// The request, checked before anything is loaded (a bad method, composite or rule: exit 2).
explain::ExplainRequest explain_request(const po::variables_map& vm, const ExplainArgs& a) {
  explain::ExplainRequest req;
  req.method = vm["method"].as<std::string>();
  req.composite = parse_composite(vm["composite"].as<std::string>());
  req.rule_params = parse_assignments(a.rule_params, "rule-param");
  explain::check_rule_params(req.rule_params, "--rule-param");
  json attribution = parse_assignments(a.params, "param");
  attribution["batch_size"] = vm["batch-size"].as<std::size_t>();
  req.attribution = explain::AttributionOptions::from_json(attribution, "--param");
  req.target = explain::Target::parse(vm["target"].as<std::string>());
  (void)explain::make_method(req);
  return req;
}

// The model folder: DIR, or DIR/model when DIR is a run folder.
std::string model_folder(const std::string& dir) {
  if (!fs::is_regular_file(fs::path(dir) / "model.json") && fs::is_regular_file(fs::path(dir) / "model" / "model.json"))
    return (fs::path(dir) / "model").string();
  return dir;
}

// The user's files, one batch.
Tensor input_batch(const std::vector<std::string>& inputs, const Shape& sample, const LabeledData* normalization) {
  std::vector<Tensor> parts;
  std::size_t total = 0;
  for (const auto& f : inputs) {
    parts.push_back(read_input_file(f, sample, normalization));
    total += parts.back().shape(0);
  }
  Tensor x = Tensor::from_shape(batch_shape(total, sample));
  std::size_t at = 0;
  for (const auto& p : parts) {
    std::copy(p.begin(), p.end(), x.begin() + static_cast<std::ptrdiff_t>(at));
    at += p.size();
  }
  return x;
}

// Samples of a split (--index or --count), their numbers and labels into `report`.
Tensor split_batch(const ExperimentData& ed, const po::variables_map& vm, const ExplainArgs& a, const Shape& sample,
                   explain::ReportOptions& report) {
  const std::string split = vm["split"].as<std::string>();
  const LabeledData* d = split == "test" ? &ed.test : split == "train" ? &ed.train : split == "unseen" ? &ed.unseen : nullptr;
  if (!d) throw ConfigError("--split: expected test, train or unseen, got '" + split + "'");
  if (d->sample_shape() != sample)
    throw ConfigError("the data's samples are " + shape_to_string(d->sample_shape()) + ", the model takes " + shape_to_string(sample));
  std::vector<std::size_t> idx;
  if (vm.count("count")) {
    const std::size_t k = std::min(vm["count"].as<std::size_t>(), d->size());
    for (std::size_t i = 0; i < k; ++i) idx.push_back(i);
  } else {
    for (long i : parse_indices(a.indices)) {
      if (static_cast<std::size_t>(i) >= d->size())
        throw ConfigError("--index " + std::to_string(i) + ": the " + split + " split has " + std::to_string(d->size()) +
                          " samples (0.." + std::to_string(d->size() - 1) + ")");
      idx.push_back(static_cast<std::size_t>(i));
    }
  }
  for (std::size_t i : idx) report.sample_ids.push_back(static_cast<long>(i)), report.labels.push_back(d->label(i));
  return d->batch(idx);
}

// Files for the first `max_files` rows, the summary for all.
void write_files(const std::string& out_dir, const Tensor& x, const explain::Explanation& e, std::size_t max_files,
                 const explain::ExplainRequest& req, const explain::ReportOptions& report) {
  explain::Explanation shown;
  shown.attribution = e.attribution;
  const std::size_t rows = std::min(max_files, e.attribution.rows());
  if (rows < e.attribution.rows()) {
    std::vector<std::size_t> keep(rows);
    for (std::size_t r = 0; r < rows; ++r) keep[r] = r;
    shown.attribution.relevance = explain::gather_rows(e.attribution.relevance, keep);
    shown.attribution.sample.resize(rows);
    shown.attribution.target.resize(rows);
    shown.attribution.predicted.resize(rows);
    shown.attribution.logit.resize(rows);
  }
  shown.layerwise = e.layerwise;
  shown.method = e.method;
  (void)explain::write_explanations(out_dir, x, shown, req, report);
}

// The console table of the first 20 rows.
void print_rows(const explain::Explanation& e, const explain::ExplainRequest& req, const explain::ReportOptions& report) {
  std::cout << "explained " << e.attribution.rows() << " row(s) with " << req.method;
  if (e.layerwise) std::cout << " (composite " << e.layerwise->composite << ")";
  std::cout << ", target " << req.target.to_string() << "\n";
  std::cout << std::setw(8) << "sample" << std::setw(7) << "label" << std::setw(6) << "pred" << std::setw(8) << "class"
            << std::setw(12) << "logit" << std::setw(14) << "relevance" << (e.layerwise ? "   conservation" : "") << "\n";
  const std::size_t shown_rows = std::min<std::size_t>(e.attribution.rows(), 20);
  for (std::size_t r = 0; r < shown_rows; ++r) {
    json j = explain::row_summary(e, r);
    const std::size_t s = e.attribution.sample[r];
    std::cout << std::setw(8) << (s < report.sample_ids.size() ? report.sample_ids[s] : static_cast<long>(s)) << std::setw(7)
              << (s < report.labels.size() ? std::to_string(report.labels[s]) : "-") << std::setw(6)
              << e.attribution.predicted[r] << std::setw(8) << e.attribution.target[r] << std::setw(12) << std::setprecision(5)
              << e.attribution.logit[r] << std::setw(14) << j["input_relevance_sum"].get<double>();
    if (j.contains("conservation_error")) std::cout << std::setw(15) << std::setprecision(3) << j["conservation_error"].get<double>();
    std::cout << "\n";
  }
  if (e.attribution.rows() > shown_rows) std::cout << "... (" << e.attribution.rows() - shown_rows << " more in explanations.json)\n";
}

// Region perturbation of the explained rows: evaluation.json and the AOPC lines.
void evaluate(const MyDeepLearning& model, const Tensor& x, const explain::Explanation& e,
              const explain::PerturbationOptions& options, const explain::ExplainRequest& req, const std::string& out_dir) {
  explain::ExplainedNetwork net(model);
  explain::PerturbationResult p = explain::evaluate_perturbation(net, x, e.attribution, options);
  json pj = p.to_json();
  pj["request"] = req.to_json();
  write_file_atomic((fs::path(out_dir) / "evaluation.json").string(), pj.dump(2) + "\n");
  std::cout << "region perturbation on " << p.images << " row(s), region " << p.options.region << "x" << p.options.region
            << ", " << p.options.steps << " steps of " << p.options.regions_per_step << " region(s), fill "
            << p.options.fill << ":\n";
  for (const auto& c : p.curves)
    std::cout << "  AOPC " << std::setw(6) << c.order << "  " << std::fixed << std::setprecision(4) << c.aopc << " +- "
              << c.aopc_stderr << "\n";
  std::cout.unsetf(std::ios::fixed);
}

}  // namespace

int cmd_explain(const Args& args, Context& ctx) {
  ExplainArgs a;
  const po::options_description desc = explain_options(a);
  auto vm = parse_options(args, desc, po::positional_options_description(), "explain");
  if (print_help_if_asked(vm, desc,
                          "glassbox explain --model DIR (--index N | --count K | --input FILE) [--method lrp] "
                          "[--composite epsilon-plus] [--target predicted|CLASS|all] [--evaluate] --out DIR"))
    return kExitOk;
  if (!vm.count("model")) throw ConfigError("missing --model DIR");
  if (!vm.count("out")) throw ConfigError("missing --out DIR");
  const int sources = (a.indices.empty() ? 0 : 1) + (vm.count("count") ? 1 : 0) + (a.inputs.empty() ? 0 : 1);
  if (sources != 1) throw ConfigError("give exactly one of --index N, --count K or --input FILE");
  const std::string model_dir = model_folder(vm["model"].as<std::string>());
  const std::string out_dir = vm["out"].as<std::string>();
  const explain::ExplainRequest req = explain_request(vm, a);
  const auto eval_options = explain::PerturbationOptions::from_json(parse_assignments(a.eval_params, "eval-param"), "--eval-param");

  Registry& reg = ctx.registry();
  MyDeepLearning model = open_model(model_dir, reg);
  std::string source;
  const json data = run_data_section(model_dir, vm, source);
  explain::ReportOptions report;
  report.heatmap.colormap = vm["colormap"].as<std::string>();
  std::unique_ptr<ExperimentData> ed;
  if (data.contains("dataset")) ed = std::make_unique<ExperimentData>(load_experiment_data(data, reg, source));
  if (ed) report.class_names = ed->train.class_names();
  else report.class_names = model.class_names();  // an imported model's metadata, or none
  if (a.inputs.empty() && !ed)
    throw ConfigError("no dataset: give --data NAME (no run configuration found at " +
                      (fs::path(model_dir).parent_path() / "config.json").string() + ")");
  const Tensor x = a.inputs.empty() ? split_batch(*ed, vm, a, model.input_shape(), report)
                                    : input_batch(a.inputs, model.input_shape(), ed ? &ed->train : nullptr);

  explain::Explanation e = explain::explain_batch(model, req, x, false);
  write_files(out_dir, x, e, vm["max-files"].as<std::size_t>(), req, report);
  print_rows(e, req, report);
  if (vm.count("evaluate")) evaluate(model, x, e, eval_options, req, out_dir);
  std::cout << "written: " << (fs::path(out_dir) / "explanations.json").string() << "\n";
  return kExitOk;
}

}  // namespace glassbox::app
