#pragma once
// The one place where the server meets the explain library's attribution methods: what
// it offers (methods, composites, rules) and the relevance of one input for a set of
// output classes, with the per-layer relevance the page shows for the methods that have
// it (LRP). Heatmaps go into the TensorPack as float32.
#include <nlohmann/json.hpp>

#include "glassbox/model.h"
#include "tensor_pack.h"

namespace glassbox::server {

// {"method": default method, "methods": [{name, description, parameters, origin}],
//  "composites": [names], "default": default composite, "rules": [{name, ..., parameters}]}
nlohmann::json relevance_capabilities();

// options: {"method": name (default lrp), "composite": name, entry list or object,
// "rule_parameters": {...}, "parameters": {...} (baselines), "layers_for": "predicted"
// (default) | "all" | class | [class, ...]}, a class being an index into class_names or
// one of its names. Returns {"method", "parameters", "composite" (LRP), "targets":
// [{"class", "logit", "input_sum", "input": descriptor, "layers": [{"index", "name",
// "inputs" (node names, "input" for the model's input), "sum", "values": descriptor}]
// (model order; empty without per-layer relevance)}], "plan"}. Throws HttpError
// 400 naming the option for a value of the wrong type or an unknown class, ConfigError
// (400) for an unknown method, composite, rule or rule parameter.
nlohmann::json explain_relevance(MyDeepLearning& model, const Tensor& input, int prediction,
                                 const nlohmann::json& options, const std::vector<std::string>& class_names,
                                 TensorPack& pack);

}  // namespace glassbox::server
