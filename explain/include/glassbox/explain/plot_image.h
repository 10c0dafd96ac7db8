#pragma once
// Plots drawn on a small RGB canvas: matrices as coloured cells (similarity, firing rates)
// and line plots (a figure per layer). Images are written with heatmap.h's write_png, the
// library's one PNG writer.
#include <cstdint>
#include <string>
#include <vector>

#include "glassbox/explain/heatmap.h"

namespace glassbox::explain {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

enum class Colormap {
  viridis,   // sequential, for values in [lo, hi] (rates, similarities, accuracies)
  diverging  // blue - white - red, symmetric around 0 (relevance, signed differences)
};

// Colour of t in [0, 1] (clamped; NaN is grey).
Rgb colormap(Colormap map, double t);

class Image {
 public:
  Image(std::size_t width, std::size_t height, Rgb background = {255, 255, 255});
  std::size_t width() const { return image_.width; }
  std::size_t height() const { return image_.height; }
  void set(long x, long y, Rgb c);  // ignores pixels outside the image
  Rgb get(std::size_t x, std::size_t y) const;
  void fill_rect(long x, long y, long w, long h, Rgb c);
  void line(long x0, long y0, long x1, long y1, Rgb c, int thickness = 1);
  const RgbImage& rgb() const { return image_; }

 private:
  RgbImage image_;
};

// Writes the canvas as a PNG (heatmap.h's writer).
void write_png(const std::string& path, const Image& image);

// A rows x cols matrix (row-major) as cells of `cell` pixels, with a 1-pixel grid when
// cell >= 4. lo/hi set the colour range; for Colormap::diverging use lo = -hi.
Image matrix_image(const std::vector<double>& values, std::size_t rows, std::size_t cols, std::size_t cell,
                   Colormap map, double lo, double hi);

// Line plot of several series over the same x positions 0..n-1, y in [lo, hi], with axes
// and faint horizontal grid lines at every quarter. Series colours follow `palette_color`.
Image line_plot(const std::vector<std::vector<double>>& series, double lo, double hi,
                std::size_t width = 480, std::size_t height = 280);
Rgb palette_color(std::size_t i);

}  // namespace glassbox::explain
