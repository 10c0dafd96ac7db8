// MaxPool2D on NCHW: each output is the largest input in its window. Forward stores the
// winner's position in the input plane, so backward is a scatter of the output gradient
// to the winners (ties go to the first element in row-major order, as in PyTorch).
#include <algorithm>
#include <cstdint>

#include "glassbox/parallel.h"
#include "layer_support.h"
#include "layers.h"
#include "pool_geometry.h"

namespace glassbox::layers {
namespace {

class MaxPool2D final : public PoolLayer {
 public:
  explicit MaxPool2D(const nlohmann::json& options) : PoolLayer("max_pool2d", LayerKind::pooling, options) {}

  const Tensor& forward(const Tensor& x, Mode) override {
    const PoolGeometry& g = geo_;
    const std::size_t planes = start_forward(x), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
    argmax_.resize(planes * out_plane);
    parallel_for(planes, plane_grain(), [&](std::size_t, std::size_t p0, std::size_t p1) {
      for (std::size_t p = p0; p < p1; ++p) {
        const float* src = x.data() + p * in_plane;
        float* dst = output_.data() + p * out_plane;
        std::int32_t* idx = argmax_.data() + p * out_plane;
        if (g.ph == 2 && g.pw == 2 && g.sh == 2 && g.sw == 2) {
          pool_2x2(src, dst, idx);
        } else {
          pool_any(src, dst, idx);
        }
      }
    });
    return output_;
  }

  const Tensor& backward(const Tensor& grad_output, Gradients) override {
    const PoolGeometry& g = geo_;
    const std::size_t planes = start_backward(grad_output), in_plane = g.h * g.w, out_plane = g.oh * g.ow;
    parallel_for(planes, plane_grain(), [&](std::size_t, std::size_t p0, std::size_t p1) {
      std::fill(grad_input_.data() + p0 * in_plane, grad_input_.data() + p1 * in_plane, 0.0f);
      for (std::size_t p = p0; p < p1; ++p) {
        const float* go = grad_output.data() + p * out_plane;
        const std::int32_t* idx = argmax_.data() + p * out_plane;
        float* gi = grad_input_.data() + p * in_plane;
        for (std::size_t o = 0; o < out_plane; ++o) gi[idx[o]] += go[o];
      }
    });
    return grad_input_;
  }

  std::unique_ptr<Layer> clone() const override { return std::make_unique<MaxPool2D>(*this); }

 private:
  // Planes per chunk of the compute threads: at least ~16k outputs.
  std::size_t plane_grain() const {
    return std::max<std::size_t>(1, 16384 / std::max<std::size_t>(geo_.oh * geo_.ow, 1));
  }

  // The common 2x2 / stride 2 case, written branch-free so the compiler can vectorise it.
  void pool_2x2(const float* src, float* dst, std::int32_t* idx) const {
    const std::size_t W = geo_.w;
    for (std::size_t oy = 0; oy < geo_.oh; ++oy) {
      const float* r0 = src + 2 * oy * W;
      const float* r1 = r0 + W;
      float* d = dst + oy * geo_.ow;
      std::int32_t* k = idx + oy * geo_.ow;
      const std::int32_t row0 = static_cast<std::int32_t>(2 * oy * W);
      const std::int32_t w = static_cast<std::int32_t>(W);
      for (std::size_t ox = 0; ox < geo_.ow; ++ox) {
        const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], e = r1[2 * ox + 1];
        const std::int32_t base = row0 + 2 * static_cast<std::int32_t>(ox);
        float m = a;
        std::int32_t i = base;
        i = b > m ? base + 1 : i;
        m = b > m ? b : m;
        i = c > m ? base + w : i;
        m = c > m ? c : m;
        i = e > m ? base + w + 1 : i;
        m = e > m ? e : m;
        d[ox] = m;
        k[ox] = i;
      }
    }
  }

  void pool_any(const float* src, float* dst, std::int32_t* idx) const {
    const PoolGeometry& g = geo_;
    for (std::size_t oy = 0; oy < g.oh; ++oy) {
      for (std::size_t ox = 0; ox < g.ow; ++ox) {
        std::size_t best_i = oy * g.sh * g.w + ox * g.sw;
        float best = src[best_i];
        for (std::size_t i = 0; i < g.ph; ++i) {
          for (std::size_t j = 0; j < g.pw; ++j) {
            const std::size_t at = (oy * g.sh + i) * g.w + ox * g.sw + j;
            if (src[at] > best) {
              best = src[at];
              best_i = at;
            }
          }
        }
        dst[oy * g.ow + ox] = best;
        idx[oy * g.ow + ox] = static_cast<std::int32_t>(best_i);
      }
    }
  }

  ScratchOf<std::vector<std::int32_t>> argmax_;  // winner's index within its input plane
};

}  // namespace

void register_max_pool2d(Registry& registry) {
  add_layer<MaxPool2D>(registry, "max_pool2d",
                       "Max pooling on NCHW images; (N, C, H, W) -> (N, C, (H-p)/s+1, (W-p)/s+1).",
                       PoolGeometry::options());
}

}  // namespace glassbox::layers
