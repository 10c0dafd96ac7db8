#include "explain_step.h"

#include <chrono>
#include <filesystem>
#include <iomanip>
#include <ostream>

#include "glassbox/error.h"
#include "glassbox/explain/explanation_report.h"
#include "glassbox/explain/perturbation.h"
#include "glassbox/explain/sharded_explanation.h"
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

bool leads(const RunState& s) { return !sharded(s.options.replicas) || s.options.replicas->rank() == 0; }

// The test inputs to explain: the plan's indices (checked), or the first `count`.
std::vector<std::size_t> explained_indices(const ExplainPlan& plan, const LabeledData& test, const std::string& source) {
  std::vector<std::size_t> idx = plan.samples;
  if (idx.empty())
    for (std::size_t i = 0; i < std::min(plan.count, test.size()); ++i) idx.push_back(i);
  for (std::size_t i : idx)
    if (i >= test.size())
      throw ConfigError(source + ": explain.samples: index " + std::to_string(i) + " out of range (the test split has " +
                        std::to_string(test.size()) + " samples)");
  return idx;
}

// Region perturbation of one method on the first eval_samples test images, each replica
// explaining and perturbing its shard; replica 0 returns evaluation.json's entry (the
// others null).
json evaluate_method(RunState& s, explain::ExplainedNetwork& net, explain::ExplainRequest req, const ExplainPlan& plan,
                     const LabeledData& test) {
  req.target = explain::Target::predicted();
  const Shard shard = shard_for(std::min(plan.eval_samples, test.size()), s.options.replicas);
  Tensor xe = Tensor::from_shape(batch_shape(0, net.input_shape()));
  explain::Attribution a;
  a.method = req.method;
  a.relevance = xe;
  if (shard.size() > 0) {
    xe = test.batch_range(shard.begin, shard.end);
    a = explain::explain_batch(s.model, req, xe, false).attribution;
  }
  const explain::PerturbationResult p =
      explain::evaluate_perturbation(net, xe, a, plan.eval, s.options.replicas, shard.begin);
  if (!leads(s)) return nullptr;
  if (s.options.log)
    *s.options.log << "explain: " << req.method << " region perturbation on " << p.images << " images: AOPC MoRF "
                   << std::fixed << std::setprecision(4) << p.curve("morf").aopc << ", LeRF " << p.curve("lerf").aopc
                   << ", random " << p.curve("random").aopc << "\n"
                   << std::defaultfloat;
  return p.to_json();
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
  const auto t0 = std::chrono::steady_clock::now();
  const LabeledData& test = s.data.test.size() ? s.data.test : s.data.validation;
  if (test.size() == 0) throw Error(s.experiment.source + ": explain: no test data to explain");
  const std::vector<std::size_t> idx = explained_indices(plan, test, s.experiment.source);
  const Tensor x = test.batch(idx);
  explain::ReportOptions report;
  report.class_names = test.class_names();
  for (std::size_t i : idx) report.sample_ids.push_back(static_cast<long>(i)), report.labels.push_back(test.label(i));
  const fs::path root = fs::path(s.out_dir) / "explain";
  if (s.options.log) *s.options.log << "explain: " << idx.size() << " test samples with " << plan.methods.size() << " method(s)\n";
  json index = json::object(), evaluation = json::object();
  explain::ExplainedNetwork net(s.model);
  // Under mpirun each replica explains its shard of the samples; replica 0 writes.
  for (const std::string& method : plan.methods) {
    explain::ExplainRequest req = plan.base;
    req.method = method;
    const explain::ReportRows rows = explain::explain_sharded(s.model, req, x, report.class_names, s.options.replicas);
    if (leads(s)) index[method] = explain::write_report_rows((root / method).string(), x, rows, req, report);
    if (plan.evaluate) evaluation[method] = evaluate_method(s, net, req, plan, test);
  }
  if (!leads(s)) return;
  if (plan.evaluate) write_file_atomic((root / "evaluation.json").string(), evaluation.dump(2) + "\n");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json summary{{"samples", idx}, {"methods", plan.methods}, {"request", plan.base.to_json()}, {"seconds", seconds}};
  write_file_atomic((root / "summary.json").string(), summary.dump(2) + "\n");
}

}  // namespace glassbox::app
