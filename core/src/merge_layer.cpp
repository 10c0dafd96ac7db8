#include "glassbox/merge_layer.h"

#include "glassbox/error.h"

namespace glassbox {

namespace {
std::string where(const Layer& l) { return "layer '" + l.name() + "' (" + l.type() + ")"; }
}  // namespace

Shape MergeLayer::build(const Shape&, Rng&) {
  throw ConfigError(where(*this) +
                    " is a merge layer and needs at least 2 inputs: give it \"inputs\": [\"a\", \"b\", ...]");
}

const Tensor& MergeLayer::forward(const Tensor&, Mode) {
  throw Error(where(*this) + ": a merge layer takes a list of inputs (forward_merge), not one tensor");
}

const Tensor& MergeLayer::backward(const Tensor&, Gradients) {
  throw Error(where(*this) + ": a merge layer gives one gradient per input (backward_merge)");
}

}  // namespace glassbox
