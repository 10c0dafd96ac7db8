// relevance_bridge.h for builds without the explain library's LRP engine: the page
// hides the relevance view and the API answers 501.
#include "relevance_bridge.h"

#include "http_json.h"

namespace glassbox::server {

using nlohmann::json;

json relevance_capabilities() {
  return {{"available", false}, {"composites", json::array()}, {"default", nullptr}};
}

json explain_relevance(MyDeepLearning&, const Tensor&, int, const json&, TensorPack&) {
  throw HttpError(501, "this build has no LRP engine (explain/include/glassbox/explain/lrp.h)");
}

}  // namespace glassbox::server
