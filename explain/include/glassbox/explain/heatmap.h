#pragma once
// Heatmaps of relevance as PNG images (libpng), and PNG input images.
//
// The colormap is diverging and centred on zero, as in the LRP literature (matplotlib's
// "bwr"/"seismic"): white = no relevance, red = evidence for the explained class, blue =
// evidence against it, scaled by the largest |relevance| of the image so that the colour
// saturates only at the strongest pixel. Relevance of a multi-channel input is summed over
// channels. Small images are upscaled by pixel replication (28x28 -> 224x224 by default)
// so that single pixels stay visible.
#include <cstdint>
#include <string>
#include <vector>

#include "glassbox/tensor.h"

namespace glassbox::explain {

struct HeatmapOptions {
  std::size_t min_size = 224;  // upscale by an integer factor until the shorter side >= this
  std::string colormap = "bwr";  // "bwr" (white centre) or "seismic" (darker ends)
  // Optional input overlay: the input drawn in grey under the heatmap, blended by
  // (1 - |relevance| / max) so that strong relevance shows its colour and the rest the digit.
  bool overlay = false;
  float gamma = 1.0f;          // |r|^gamma before colouring (< 1 brightens weak relevance)
};

// An RGB image, row-major, 3 bytes per pixel.
struct RgbImage {
  std::size_t width = 0, height = 0;
  std::vector<std::uint8_t> rgb;
};

// Colours one sample's relevance (C, H, W) or (H, W); `input` (same shape, values in
// [lo, hi] of the input) is needed for the overlay.
RgbImage render_heatmap(const Tensor& relevance, const HeatmapOptions& options = {},
                        const Tensor* input = nullptr);
// Grey picture of an input (C, H, W) or (H, W), mapped from its own min..max.
RgbImage render_input(const Tensor& input, std::size_t min_size = 224);
// The colormap at t in [-1, 1].
void diverging_color(float t, const std::string& colormap, std::uint8_t rgb[3]);

// Writes an RGB PNG atomically; throws Error naming the file.
void write_png(const std::string& path, const RgbImage& image);

// Reads a PNG (grey, grey+alpha, RGB, RGBA, palette; 8 or 16 bit) into (C, H, W) floats in
// [0, 1] with C = `channels` (1: luminance, 3: RGB). Throws DataError naming the file.
Tensor read_png(const std::string& path, std::size_t channels);

}  // namespace glassbox::explain
