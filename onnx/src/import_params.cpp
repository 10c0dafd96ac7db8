// Initializers -> the built layers' parameters, by role, with their shapes checked; and the
// checks that need the built shapes (Conv pads, Reshape sizes).
#include <algorithm>

#include "glassbox/error.h"
#include "import_state.h"

namespace glassbox::onnx_io {

namespace {

[[noreturn]] void fail(const ImportState& s, const PendingLayer& p, const std::string& what) {
  throw DataError(s.file + ": " + p.node + ": " + what);
}

std::string onnx_shape_text(const ImportedParam& p, const Shape& glassbox_shape) {
  Shape s = glassbox_shape;
  if (p.transposed) std::reverse(s.begin(), s.end());
  return shape_to_string(s);
}

void fill_params(const ImportState& s, const PendingLayer& p, Layer& layer) {
  std::vector<bool> used(p.params.size(), false);
  for (auto& param : layer.params()) {
    std::size_t k = 0;
    while (k < p.params.size() && (used[k] || p.params[k].role != param.role)) ++k;
    if (k == p.params.size()) fail(s, p, "no initializer for the layer's " + to_string(param.role) + " ('" + param.name + "')");
    used[k] = true;
    const ImportedParam& src = p.params[k];
    const Shape want = shape_of(*param.value);
    Tensor value = src.value;
    if (param.role != ParamRole::weight && value.size() == shape_size(want)) value.reshape(want);  // (1, C) biases
    if (shape_of(value) != want)
      fail(s, p, "initializer '" + src.initializer + "' has shape " + onnx_shape_text(src, shape_of(src.value)) +
                     ", the layer needs " + onnx_shape_text(src, want) + " for its " + to_string(param.role));
    std::copy(value.begin(), value.end(), param.value->begin());
  }
  for (std::size_t k = 0; k < used.size(); ++k)
    if (!used[k]) fail(s, p, "initializer '" + p.params[k].initializer + "' has no place in the layer");
}

// TensorFlow's "same" split of one axis: total = max((ceil(n / s) - 1) s + k - n, 0), the odd
// one at the end.
std::pair<std::int64_t, std::int64_t> same_split(std::int64_t n, std::int64_t k, std::int64_t stride) {
  const std::int64_t out = (n + stride - 1) / stride;
  const std::int64_t total = std::max<std::int64_t>((out - 1) * stride + k - n, 0);
  return {total / 2, total - total / 2};
}

void check_conv_pads(const ImportState& s, const PendingLayer& p, const Shape& in) {
  if (p.conv_pads.empty() || std::all_of(p.conv_pads.begin(), p.conv_pads.end(), [](std::int64_t v) { return v == 0; }))
    return;
  if (p.conv_pads.size() != 4) fail(s, p, "pads must have 4 entries (top, left, bottom, right)");
  const auto& k = p.config["kernel_size"];
  const auto& st = p.config["strides"];
  const auto h = same_split(static_cast<std::int64_t>(in[1]), k[0].get<std::int64_t>(), st[0].get<std::int64_t>());
  const auto w = same_split(static_cast<std::int64_t>(in[2]), k[1].get<std::int64_t>(), st[1].get<std::int64_t>());
  const std::vector<std::int64_t> same = {h.first, w.first, h.second, w.second};
  if (p.conv_pads != same) {
    std::string got, want;
    for (std::size_t i = 0; i < 4; ++i) {
      got += (i ? ", " : "") + std::to_string(p.conv_pads[i]);
      want += (i ? ", " : "") + std::to_string(same[i]);
    }
    fail(s, p, "pads (" + got + ") on a " + shape_to_string(in) + " input are not supported: glassbox pads none or "
               "as 'same' (output = ceil(input / stride)), which here is pads (" + want + ")");
  }
}

}  // namespace

void apply_params(const ImportState& s, MyDeepLearning& model) {
  for (const auto& p : s.layers) {
    const std::size_t i = model.layer_index(p.config["name"].get<std::string>());
    fill_params(s, p, model.layer(i));
    if (p.config["type"] == "conv2d") check_conv_pads(s, p, model.layer_input_shape(i));
    const Shape& out = model.layer_output_shape(i);
    if (p.flat_size > 0 && out != Shape{static_cast<std::size_t>(p.flat_size)})
      fail(s, p, "reshape to (N, " + std::to_string(p.flat_size) + ") of an input of shape " +
                     shape_to_string(model.layer_input_shape(i)) + " (" + std::to_string(shape_size(out)) + " values per sample)");
  }
}

}  // namespace glassbox::onnx_io
