#pragma once
// The one place where the server meets the explain library's LRP: what it offers
// (composites) and the relevance of one input for a set of output classes, with the
// per-layer relevance the page shows. Heatmaps go into the TensorPack as float32.
#include <nlohmann/json.hpp>

#include "glassbox/model.h"
#include "tensor_pack.h"

namespace glassbox::server {

// {"method": "lrp", "composites": [...], "default": "..."}
nlohmann::json relevance_capabilities();

// options: {"composite": name or object, "rule_parameters": {...}, "layers_for":
// "predicted" (default) | "all" | class | [class, ...]}, a class being an index into
// class_names or one of its names. Returns {"composite", "targets": [{"class", "logit",
// "input": descriptor, "layers": [{"index", "sum", "values": descriptor}]}], "plan"}.
// Throws HttpError 400 naming the option for a value of the wrong type or an unknown
// class, ConfigError (400) for an unknown composite.
nlohmann::json explain_relevance(MyDeepLearning& model, const Tensor& input, int prediction,
                                 const nlohmann::json& options, const std::vector<std::string>& class_names,
                                 TensorPack& pack);

}  // namespace glassbox::server
