#include "explain_step.h"

#include <filesystem>
#include <iomanip>
#include <ostream>

#include "glassbox/error.h"
#include "glassbox/explain/explanation_report.h"
#include "glassbox/explain/perturbation.h"
#include "glassbox/npy.h"

namespace glassbox::app {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct ExplainPlan {
  std::vector<std::string> methods{explain::kDefaultMethod};
  explain::ExplainRequest base;
  std::vector<std::size_t> samples;  // explicit indices, or the first `count`
  std::size_t count = 8;
  bool evaluate = false;
  std::size_t eval_samples = 500;
  explain::PerturbationOptions eval;
};

std::vector<std::string> parse_methods(const json& m, const std::string& where) {
  std::vector<std::string> out;
  if (m.is_string()) return {m.get<std::string>()};
  if (!m.is_array()) throw ConfigError(where + ".methods: expected a list of method names");
  for (const auto& v : m) {
    if (!v.is_string()) throw ConfigError(where + ".methods: expected method names, got " + v.dump());
    out.push_back(v.get<std::string>());
  }
  return out;
}

// rule_params, composites, composite, parameters and target: what every method shares.
void parse_request(const json& sec, const std::string& where, explain::ExplainRequest& base) {
  if (sec.contains("rule_params")) {
    base.rule_params = sec["rule_params"];
    explain::check_rule_params(base.rule_params, where + ".rule_params");
  }
  if (sec.contains("composites")) {
    base.composites = sec["composites"];
    explain::check_composite_definitions(base.composites, base.rule_params, where + ".composites");
  }
  if (sec.contains("composite")) base.composite = sec["composite"];
  (void)explain::composite_from_json(base.composite, base.rule_params, where + ".composite", base.composites);
  base.attribution = explain::AttributionOptions::from_json(sec.value("parameters", json::object()), where + ".parameters");
  if (sec.contains("target")) {
    const json& t = sec["target"];
    try {
      base.target = explain::Target::parse(t.is_string() ? t.get<std::string>() : t.dump());
    } catch (const ConfigError& err) {
      throw ConfigError(where + ".target: " + err.what());
    }
  }
}

// "samples": a count of test inputs, or a list of their indices.
void parse_samples(const json& s, const std::string& where, ExplainPlan& p) {
  if (s.is_number_unsigned() || (s.is_number_integer() && s.get<long>() >= 0)) {
    p.count = s.get<std::size_t>();
    return;
  }
  if (!s.is_array())
    throw ConfigError(where + ".samples: expected a count or a list of test sample indices, got " + s.dump());
  for (const auto& v : s) {
    if (!v.is_number_integer() || v.get<long>() < 0)
      throw ConfigError(where + ".samples: expected test sample indices, got " + v.dump());
    p.samples.push_back(v.get<std::size_t>());
  }
}

void parse_evaluation(const json& evaluation, const std::string& where, ExplainPlan& p) {
  if (evaluation.is_boolean() && !evaluation.get<bool>()) return;
  p.evaluate = true;
  const json ev = evaluation.is_object() ? evaluation : json::object();
  if (ev.contains("samples")) {
    if (!ev["samples"].is_number_integer() || ev["samples"].get<long>() < 1)
      throw ConfigError(where + ".evaluation.samples: expected a positive count");
    p.eval_samples = ev["samples"].get<std::size_t>();
  }
  p.eval = explain::PerturbationOptions::from_json(ev, where + ".evaluation");
}

ExplainPlan parse_plan(const Experiment& e) {
  const json& sec = e.section("explain");
  const std::string where = e.source + ": explain";
  ExplainPlan p;
  if (!sec.is_object()) throw ConfigError(where + ": must be an object");
  if (sec.contains("methods")) p.methods = parse_methods(sec["methods"], where);
  parse_request(sec, where, p.base);
  for (const auto& name : p.methods) {  // each method made once: unknown names and options fail here
    explain::ExplainRequest r = p.base;
    r.method = name;
    try {
      (void)explain::make_method(r);
    } catch (const ConfigError& err) {
      throw ConfigError(where + ".methods: " + err.what());
    }
  }
  if (sec.contains("samples")) parse_samples(sec["samples"], where, p);
  if (sec.contains("evaluation")) parse_evaluation(sec["evaluation"], where, p);
  return p;
}

}  // namespace

void check_explain_section(const Experiment& e) {
  if (e.has("explain")) (void)parse_plan(e);
}

void run_explain_step(RunState& s) {
  const json& sec = s.experiment.section("explain");
  if (sec.is_object() && sec.contains("enabled") && sec["enabled"].is_boolean() && !sec["enabled"].get<bool>()) return;
  const ExplainPlan plan = parse_plan(s.experiment);
  if (s.options.on_stage) s.options.on_stage("explain");
  const LabeledData& test = s.data.test.size() ? s.data.test : s.data.validation;
  if (test.size() == 0) throw Error(s.experiment.source + ": explain: no test data to explain");
  std::vector<std::size_t> idx = plan.samples;
  if (idx.empty())
    for (std::size_t i = 0; i < std::min(plan.count, test.size()); ++i) idx.push_back(i);
  for (std::size_t i : idx)
    if (i >= test.size())
      throw ConfigError(s.experiment.source + ": explain.samples: index " + std::to_string(i) + " out of range (the test split has " +
                        std::to_string(test.size()) + " samples)");
  Tensor x = test.batch(idx);
  explain::ReportOptions report;
  report.class_names = test.class_names();
  for (std::size_t i : idx) report.sample_ids.push_back(static_cast<long>(i)), report.labels.push_back(test.label(i));
  const fs::path root = fs::path(s.out_dir) / "explain";
  json index = json::object();
  if (s.options.log) *s.options.log << "explain: " << idx.size() << " test samples with " << plan.methods.size() << " method(s)\n";

  // Perturbation set: the first eval_samples test images.
  Tensor xe;
  std::vector<std::size_t> eidx;
  if (plan.evaluate) {
    for (std::size_t i = 0; i < std::min(plan.eval_samples, test.size()); ++i) eidx.push_back(i);
    xe = test.batch(eidx);
  }
  json evaluation = json::object();
  explain::ExplainedNetwork net(s.model);
  for (const std::string& method : plan.methods) {
    explain::ExplainRequest req = plan.base;
    req.method = method;
    explain::Explanation e = explain::explain_batch(s.model, req, x, false);
    index[method] = explain::write_explanations((root / method).string(), x, e, req, report);
    if (plan.evaluate) {
      explain::ExplainRequest ereq = req;
      ereq.target = explain::Target::predicted();
      explain::Explanation ee = explain::explain_batch(s.model, ereq, xe, false);
      explain::PerturbationResult p = explain::evaluate_perturbation(net, xe, ee.attribution, plan.eval);
      evaluation[method] = p.to_json();
      if (s.options.log)
        *s.options.log << "explain: " << method << " region perturbation on " << p.images << " images: AOPC MoRF "
                       << std::fixed << std::setprecision(4) << p.curve("morf").aopc << ", LeRF " << p.curve("lerf").aopc
                       << ", random " << p.curve("random").aopc << "\n"
                       << std::defaultfloat;
    }
  }
  if (plan.evaluate) write_file_atomic((root / "evaluation.json").string(), evaluation.dump(2) + "\n");
  json summary{{"samples", idx}, {"methods", plan.methods}, {"request", plan.base.to_json()}};
  write_file_atomic((root / "summary.json").string(), summary.dump(2) + "\n");
}

}  // namespace glassbox::app
