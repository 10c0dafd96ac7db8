#include "explain_convert.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "json_convert.h"
#include "model_parts.h"
#include "numpy_convert.h"

namespace py = pybind11;

namespace glassbox::python {

using namespace glassbox::explain;

TargetArgument target_argument(py::handle target, std::size_t rows) {
  TargetArgument t;
  if (py::isinstance<py::str>(target)) {
    t.target = Target::parse(target.cast<std::string>());
  } else if (py::isinstance<py::int_>(target) || (py::hasattr(target, "dtype") && py::hasattr(target, "ndim") &&
                                                   target.attr("ndim").cast<int>() == 0)) {
    t.target = Target::of_class(target.cast<int>());
  } else {
    t.per_row = py::cast<std::vector<int>>(py::module_::import("builtins").attr("list")(target));
    if (t.per_row.size() != rows)
      throw py::value_error("target: expected one class per input (" + std::to_string(rows) + "), got " +
                            std::to_string(t.per_row.size()));
  }
  return t;
}

namespace {

template <class T>
py::array_t<double> matrix(const std::vector<std::vector<T>>& m) {
  const std::size_t cols = m.empty() ? 0 : m[0].size();
  py::array_t<double> out({m.size(), cols});
  auto v = out.mutable_unchecked<2>();
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::size_t j = 0; j < cols; ++j) v(i, j) = static_cast<double>(m[i][j]);
  return out;
}

py::list plan_list(const std::vector<LrpLayerPlan>& plan) {
  py::list out;
  for (const auto& p : plan)
    out.append(py::dict(py::arg("index") = p.index, py::arg("name") = p.name, py::arg("type") = p.type,
                        py::arg("kind") = p.kind, py::arg("role") = p.role, py::arg("rule") = p.rule,
                        py::arg("rule_parameters") = from_json(p.rule_parameters)));
  return out;
}

}  // namespace

py::dict lrp_dict(LrpResult&& r, const MyDeepLearning& model) {
  py::dict d;
  std::vector<double> conservation(r.rows());
  for (std::size_t i = 0; i < r.rows(); ++i) conservation[i] = r.conservation_error(i);
  d["composite"] = r.composite;
  d["sample"] = to_numpy(r.sample);
  d["target"] = to_numpy(r.target);
  d["predicted"] = to_numpy(r.predicted);
  d["logit"] = to_numpy(r.logit);
  d["input_sum"] = to_numpy(r.input_sum);
  d["layer_sums"] = matrix(r.layer_sums);
  d["conservation_error"] = to_numpy(conservation);
  d["plan"] = plan_list(r.plan);
  if (!r.layer_relevance.empty()) {
    py::dict layers;
    for (std::size_t i = 0; i < r.layer_relevance.size(); ++i)
      layers[py::str(model.layer(i).name())] = to_numpy(std::move(r.layer_relevance[i]));
    d["layer_relevance"] = layers;
  }
  d["relevance"] = to_numpy(std::move(r.input_relevance));
  return d;
}

py::dict attribution_dict(Attribution&& a) {
  py::dict d;
  d["method"] = a.method;
  d["parameters"] = from_json(a.parameters);
  d["sample"] = to_numpy(a.sample);
  d["target"] = to_numpy(a.target);
  d["predicted"] = to_numpy(a.predicted);
  d["logit"] = to_numpy(a.logit);
  d["relevance"] = to_numpy(std::move(a.relevance));
  return d;
}

Attribution attribution_from_dict(const py::dict& d, std::size_t inputs, const Shape& sample) {
  if (!d.contains("relevance")) throw py::value_error("explanation: expected a dict with 'relevance' (as lrp() or attribute() return)");
  Attribution a;
  a.method = d.contains("method") ? py::str(d["method"]).cast<std::string>() : std::string("lrp");
  a.relevance = batch_from_numpy(d["relevance"], sample, "explanation['relevance']");
  const std::size_t rows = a.relevance.shape(0);
  auto ints = [&](const char* key, std::vector<int> fallback) {
    if (!d.contains(key)) return fallback;
    auto v = py::cast<std::vector<int>>(py::module_::import("builtins").attr("list")(d[key]));
    if (v.size() != rows) throw py::value_error(std::string("explanation['") + key + "']: expected " + std::to_string(rows) + " values");
    return v;
  };
  std::vector<int> identity(rows);
  for (std::size_t r = 0; r < rows; ++r) identity[r] = static_cast<int>(r);
  if (!d.contains("sample") && rows != inputs)
    throw py::value_error("explanation: " + std::to_string(rows) + " relevance rows for " + std::to_string(inputs) +
                          " inputs; give 'sample' (the input of each row)");
  for (int s : ints("sample", identity)) {
    if (s < 0 || static_cast<std::size_t>(s) >= inputs)
      throw py::value_error("explanation['sample']: " + std::to_string(s) + " is not an input index (0.." + std::to_string(inputs - 1) + ")");
    a.sample.push_back(static_cast<std::size_t>(s));
  }
  a.target = ints("target", std::vector<int>(rows, 0));
  a.predicted = ints("predicted", a.target);
  a.logit.assign(rows, 0.0f);
  if (d.contains("logit")) a.logit = py::cast<std::vector<float>>(py::module_::import("builtins").attr("list")(d["logit"]));
  return a;
}

py::dict signatures_dict(const Signatures& s) {
  py::dict d;
  d["class_names"] = s.class_names;
  d["class_counts"] = s.class_counts;
  d["samples"] = s.samples;
  py::list layers;
  for (const auto& l : s.layers) {
    std::vector<std::vector<double>> rate, mean;
    for (std::size_t c = 0; c < s.num_classes(); ++c) {
      rate.push_back(l.firing_rate(c));
      mean.push_back(l.moments[c].mean());
    }
    layers.append(py::dict(py::arg("index") = l.index, py::arg("name") = l.name, py::arg("type") = l.type,
                           py::arg("feature_kind") = to_string(l.feature_kind), py::arg("features") = l.features,
                           py::arg("shape") = shape_tuple(l.shape), py::arg("firing_rate") = matrix(rate),
                           py::arg("mean") = matrix(mean), py::arg("thresholds") = to_numpy(l.thresholds)));
  }
  d["layers"] = layers;
  return d;
}

}  // namespace glassbox::python
