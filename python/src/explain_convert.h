#pragma once
// Explanations as plain Python values: NumPy arrays (relevance handed over without a
// copy) and dicts.
#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "glassbox/explain/attributions.h"
#include "glassbox/explain/lrp.h"
#include "glassbox/explain/signature.h"
#include "glassbox/model.h"

namespace glassbox::python {

// target=: "predicted", "all", a class number, or one class per row (a list or array).
struct TargetArgument {
  explain::Target target = explain::Target::predicted();
  std::vector<int> per_row;  // empty unless one class per row was given
};
TargetArgument target_argument(pybind11::handle target, std::size_t rows);

// relevance (rows, ...input), sample, target, predicted, logit, input_sum, layer_sums
// (rows, layers), conservation_error, composite, plan (per layer: name, type, role, rule,
// rule_parameters) and, when kept, layer_relevance (layer name -> (rows, ...)).
pybind11::dict lrp_dict(explain::LrpResult&& r, const MyDeepLearning& model);
// method, parameters, relevance, sample, target, predicted, logit.
pybind11::dict attribution_dict(explain::Attribution&& a);
// The inverse, for perturbation(): needs relevance (rows, ...sample) and, when there are
// more rows than inputs, sample; target/predicted/logit are taken when present.
explain::Attribution attribution_from_dict(const pybind11::dict& d, std::size_t inputs, const Shape& sample);
// class_names, class_counts, samples, layers: [{index, name, type, feature_kind, features,
// shape, firing_rate (classes, features), mean (classes, features), thresholds}].
pybind11::dict signatures_dict(const explain::Signatures& s);

}  // namespace glassbox::python
