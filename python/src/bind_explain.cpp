// glassbox.explain: LRP, the baseline attributions, region perturbation, activation
// signatures and the signature study, on a model from Python; NumPy arrays and dicts back.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "explain_convert.h"
#include "glassbox/error.h"
#include "glassbox/explain/explanation_report.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/explain/perturbation.h"
#include "glassbox/explain/signature_builder.h"
#include "glassbox/explain/signature_study.h"
#include "json_convert.h"
#include "model_parts.h"
#include "numpy_convert.h"

namespace py = pybind11;
using nlohmann::json;

namespace glassbox::python {

namespace {

using namespace glassbox::explain;

py::dict py_lrp(PyModel& self, py::handle x, py::handle composite, py::handle target, py::handle rule_params, bool layers,
             std::size_t batch_size) {
  Tensor in = model_input(self, x, "lrp");
  const json params = rule_params.is_none() ? json::object() : to_json(rule_params, "rule_params");
  check_rule_params(params, "rule_params");
  Composite c = composite_from_json(to_json(composite, "composite"), params, "composite");
  const TargetArgument t = target_argument(target, in.shape(0));
  BusyGuard busy(self, "lrp");
  LrpResult r;
  {
    py::gil_scoped_release release;
    Lrp engine(self.model, std::move(c), LrpOptions().batch(batch_size).keep_layer_relevance(layers));
    r = t.per_row.empty() ? engine.explain(in, t.target) : engine.explain(in, t.per_row);
  }
  return lrp_dict(std::move(r), self.model);
}

py::dict py_attribute(PyModel& self, py::handle x, const std::string& method, py::handle target, py::handle composite,
                   py::handle rule_params, const py::kwargs& parameters) {
  Tensor in = model_input(self, x, method);
  ExplainRequest req;
  req.method = method;
  req.composite = to_json(composite, "composite");
  if (!rule_params.is_none()) req.rule_params = to_json(rule_params, "rule_params");
  req.attribution = AttributionOptions::from_json(to_json(parameters, method), method);
  const TargetArgument t = target_argument(target, in.shape(0));
  if (!t.per_row.empty()) throw py::value_error(method + ": target must be \"predicted\", \"all\" or one class (lrp() takes one per row)");
  req.target = t.target;
  (void)make_method(req, method);
  BusyGuard busy(self, method.c_str());
  Explanation e;
  {
    py::gil_scoped_release release;
    e = explain_batch(self.model, req, in, false);
  }
  return attribution_dict(std::move(e.attribution));
}

py::dict py_perturbation(PyModel& self, py::handle x, const py::dict& explanation, const py::kwargs& options) {
  Tensor in = model_input(self, x, "perturbation");
  const PerturbationOptions o = PerturbationOptions::from_json(to_json(options, "perturbation"), "perturbation");
  Attribution a = attribution_from_dict(explanation, in.shape(0), Shape(in.shape().begin() + 1, in.shape().end()));
  BusyGuard busy(self, "perturbation");
  PerturbationResult r;
  {
    py::gil_scoped_release release;
    ExplainedNetwork net(self.model);
    r = evaluate_perturbation(net, in, a, o);
  }
  return from_json(r.to_json());
}

py::dict py_signatures(PyModel& self, const LabeledData& data, const py::kwargs& options) {
  const auto o = SignatureStudyOptions::from_json(to_json(options, "signatures"), "signatures").signature;
  BusyGuard busy(self, "signatures");
  Signatures s;
  {
    py::gil_scoped_release release;
    s = build_signatures(self.model, data, o);
  }
  return signatures_dict(s);
}

py::dict py_signature_study(PyModel& self, const LabeledData& fit, const LabeledData& heldout, const LabeledData* unseen,
                         const std::vector<std::string>& source_class_names, py::handle out, const py::kwargs& options) {
  const auto o = SignatureStudyOptions::from_json(to_json(options, "signature_study"), "signature_study");
  const std::string dir = out.is_none() ? std::string() : py::str(out).cast<std::string>();
  BusyGuard busy(self, "signature_study");
  json j;
  std::string report;
  {
    py::gil_scoped_release release;
    const SignatureStudy st = run_signature_study(self.model, fit, heldout, unseen && unseen->size() ? unseen : nullptr,
                                                  source_class_names, o);
    j = signature_study_json(st);
    report = signature_report(st);
    if (!dir.empty()) write_signature_study(st, dir);
  }
  py::dict d = from_json(j);
  d["report"] = report;
  return d;
}

}  // namespace

void bind_explain(py::module_& root) {
  py::module_ m = root.def_submodule("explain", "Explanations of a model's decisions (docs/python.md).");
  m.def("lrp", &py_lrp, py::arg("model"), py::arg("x"), py::kw_only(), py::arg("composite") = "epsilon-plus",
        py::arg("target") = "predicted", py::arg("rule_params") = py::none(), py::arg("layers") = false,
        py::arg("batch_size") = 256, "Layer-wise Relevance Propagation (docs/lrp.md).");
  m.def("attribute", &py_attribute, py::arg("model"), py::arg("x"), py::arg("method"), py::kw_only(),
        py::arg("target") = "predicted", py::arg("composite") = "epsilon-plus", py::arg("rule_params") = py::none(),
        "Any registered attribution method by name, with its parameters as keywords.");
  m.def("perturbation", &py_perturbation, py::arg("model"), py::arg("x"), py::arg("explanation"),
        "Region perturbation (MoRF, LeRF, random) of an explanation of x: AOPC curves as a dict.");
  m.def("signatures", &py_signatures, py::arg("model"), py::arg("data"),
        "Activation signatures of labelled data: per layer, each class's firing rates and mean activations.");
  m.def("signature_study", &py_signature_study, py::arg("model"), py::arg("fit"), py::arg("heldout"),
        py::arg("unseen") = nullptr, py::arg("source_class_names") = std::vector<std::string>{}, py::arg("out") = py::none(),
        "The whole signature analysis (as `glassbox signatures`): the signatures.json content as a dict "
        "plus 'report' (the text report); with out=DIR also its files.");
  m.def("methods", &attribution_method_names, "The registered attribution methods.");
  m.def("composites", &composite_names, "The registered LRP composites.");
  m.def("rules", &rule_names, "The registered LRP rules.");
}

}  // namespace glassbox::python
