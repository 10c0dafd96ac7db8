// AvgPool2D on NCHW: each output is the mean of its window. An affine map without
// parameters, so its kind is "linear" (LRP rules treat it like a convolution with fixed
// weights 1/(ph*pw)).
#include <algorithm>

#include "layer_support.h"
#include "layers.h"
#include "pool_geometry.h"

namespace glassbox::layers {
namespace {

class AvgPool2D final : public PoolLayer {
 public:
  explicit AvgPool2D(const nlohmann::json& options) : PoolLayer("avg_pool2d", LayerKind::linear, options) {}

  const Tensor& forward(const Tensor& x, Mode) override {
    const PoolGeometry& g = geo_;
    const std::size_t planes = start_forward(x), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
    const float scale = 1.0f / static_cast<float>(g.ph * g.pw);
    const bool two_by_two = g.ph == 2 && g.pw == 2 && g.sh == 2 && g.sw == 2;
    for (std::size_t p = 0; p < planes; ++p) {
      const float* src = x.data() + p * in_plane;
      float* dst = output_.data() + p * out_plane;
      if (two_by_two) {  // the common case, in a form the compiler vectorises
        for (std::size_t oy = 0; oy < g.oh; ++oy) {
          const float* r0 = src + 2 * oy * g.w;
          const float* r1 = r0 + g.w;
          float* d = dst + oy * g.ow;
          for (std::size_t ox = 0; ox < g.ow; ++ox)
            d[ox] = ((r0[2 * ox] + r0[2 * ox + 1]) + (r1[2 * ox] + r1[2 * ox + 1])) * 0.25f;
        }
        continue;
      }
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          float sum = 0.0f;
          for (std::size_t i = 0; i < g.ph; ++i) {
            const float* row = src + (oy * g.sh + i) * g.w + ox * g.sw;
            for (std::size_t j = 0; j < g.pw; ++j) sum += row[j];
          }
          dst[oy * g.ow + ox] = sum * scale;
        }
      }
    }
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    const PoolGeometry& g = geo_;
    const std::size_t planes = start_backward(grad_output), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
    std::fill(grad_input_.begin(), grad_input_.end(), 0.0f);
    const float scale = 1.0f / static_cast<float>(g.ph * g.pw);
    const bool two_by_two = g.ph == 2 && g.pw == 2 && g.sh == 2 && g.sw == 2;
    for (std::size_t p = 0; p < planes; ++p) {
      const float* go = grad_output.data() + p * out_plane;
      float* gi = grad_input_.data() + p * in_plane;
      if (two_by_two) {
        for (std::size_t oy = 0; oy < g.oh; ++oy) {
          float* r0 = gi + 2 * oy * g.w;
          float* r1 = r0 + g.w;
          const float* d = go + oy * g.ow;
          for (std::size_t ox = 0; ox < g.ow; ++ox) {
            const float v = d[ox] * 0.25f;
            r0[2 * ox] = v;
            r0[2 * ox + 1] = v;
            r1[2 * ox] = v;
            r1[2 * ox + 1] = v;
          }
        }
        continue;
      }
      for (std::size_t oy = 0; oy < g.oh; ++oy) {
        for (std::size_t ox = 0; ox < g.ow; ++ox) {
          const float v = go[oy * g.ow + ox] * scale;
          for (std::size_t i = 0; i < g.ph; ++i) {
            float* row = gi + (oy * g.sh + i) * g.w + ox * g.sw;
            for (std::size_t j = 0; j < g.pw; ++j) row[j] += v;
          }
        }
      }
    }
    return grad_input_;
  }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<AvgPool2D>(*this); }
};

}  // namespace

void register_avg_pool2d(Registry& registry) {
  add_layer<AvgPool2D>(registry, "avg_pool2d",
                       "Average pooling on NCHW images; same window rules as max_pool2d. Kind: linear.",
                       PoolGeometry::options());
}

}  // namespace glassbox::layers
