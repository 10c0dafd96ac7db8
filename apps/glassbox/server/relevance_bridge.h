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

// options: {"composite": name, "targets": "all" | "predicted" | [class, ...]}.
// Returns {"composite", "targets": [{"class", "logit", "input": descriptor,
// "layers": [{"index", "name", "sum", "values": descriptor}]}]}.
// Throws HttpError 400 for an unknown composite or class.
nlohmann::json explain_relevance(MyDeepLearning& model, const Tensor& input, int prediction,
                                 const nlohmann::json& options, TensorPack& pack);

}  // namespace glassbox::server
