#include "glassbox/explain/plot_image.h"

#include <algorithm>
#include <cmath>

#include "glassbox/error.h"

namespace glassbox::explain {

namespace {

Rgb lerp(Rgb a, Rgb b, double t) {
  auto mix = [t](std::uint8_t x, std::uint8_t y) {
    return static_cast<std::uint8_t>(std::lround(x + (static_cast<double>(y) - x) * t));
  };
  return {mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b)};
}

// Piecewise-linear through a few anchor colours.
Rgb ramp(const std::vector<Rgb>& anchors, double t) {
  t = std::clamp(t, 0.0, 1.0);
  const double pos = t * static_cast<double>(anchors.size() - 1);
  const auto i = std::min(anchors.size() - 2, static_cast<std::size_t>(pos));
  return lerp(anchors[i], anchors[i + 1], pos - static_cast<double>(i));
}

}  // namespace

Rgb colormap(Colormap map, double t) {
  if (std::isnan(t)) return {160, 160, 160};
  // Anchors sampled from matplotlib's viridis and from a ColorBrewer RdBu ramp.
  static const std::vector<Rgb> viridis = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  static const std::vector<Rgb> diverging = {{33, 102, 172}, {146, 197, 222}, {247, 247, 247}, {244, 165, 130}, {178, 24, 43}};
  return ramp(map == Colormap::viridis ? viridis : diverging, t);
}

Image::Image(std::size_t width, std::size_t height, Rgb bg) {
  image_.width = width;
  image_.height = height;
  image_.rgb.resize(width * height * 3);
  for (std::size_t i = 0; i < width * height; ++i) {
    image_.rgb[3 * i] = bg.r;
    image_.rgb[3 * i + 1] = bg.g;
    image_.rgb[3 * i + 2] = bg.b;
  }
}

void Image::set(long x, long y, Rgb c) {
  if (x < 0 || y < 0 || static_cast<std::size_t>(x) >= image_.width || static_cast<std::size_t>(y) >= image_.height) return;
  const std::size_t i = (static_cast<std::size_t>(y) * image_.width + static_cast<std::size_t>(x)) * 3;
  image_.rgb[i] = c.r;
  image_.rgb[i + 1] = c.g;
  image_.rgb[i + 2] = c.b;
}

Rgb Image::get(std::size_t x, std::size_t y) const {
  const std::size_t i = (y * image_.width + x) * 3;
  return {image_.rgb[i], image_.rgb[i + 1], image_.rgb[i + 2]};
}

void Image::fill_rect(long x, long y, long w, long h, Rgb c) {
  for (long j = y; j < y + h; ++j)
    for (long i = x; i < x + w; ++i) set(i, j, c);
}

void Image::line(long x0, long y0, long x1, long y1, Rgb c, int thickness) {
  // Bresenham, stamped with a square brush for thickness > 1.
  const long dx = std::labs(x1 - x0), dy = -std::labs(y1 - y0);
  const long sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
  long err = dx + dy;
  const int r = (thickness - 1) / 2;
  for (;;) {
    fill_rect(x0 - r, y0 - r, thickness, thickness, c);
    if (x0 == x1 && y0 == y1) break;
    const long e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}

void write_png(const std::string& path, const Image& image) { write_png(path, image.rgb()); }

Image matrix_image(const std::vector<double>& values, std::size_t rows, std::size_t cols, std::size_t cell,
                   Colormap map, double lo, double hi) {
  if (values.size() != rows * cols)
    throw Error("matrix_image: " + std::to_string(values.size()) + " values for " + std::to_string(rows) + "x" +
                std::to_string(cols));
  cell = std::max<std::size_t>(1, cell);
  Image img(std::max<std::size_t>(1, cols * cell), std::max<std::size_t>(1, rows * cell));
  const double span = hi > lo ? hi - lo : 1.0;
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const Rgb col = colormap(map, (values[r * cols + c] - lo) / span);
      const bool grid = cell >= 4;
      img.fill_rect(static_cast<long>(c * cell), static_cast<long>(r * cell), static_cast<long>(cell - (grid ? 1 : 0)),
                    static_cast<long>(cell - (grid ? 1 : 0)), col);
    }
  return img;
}

Rgb palette_color(std::size_t i) {
  static const Rgb colors[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
                               {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};
  return colors[i % 10];
}

Image line_plot(const std::vector<std::vector<double>>& series, double lo, double hi, std::size_t width,
                std::size_t height) {
  Image img(width, height);
  const long left = 30, right = static_cast<long>(width) - 10, top = 10, bottom = static_cast<long>(height) - 25;
  const double span = hi > lo ? hi - lo : 1.0;
  for (int q = 0; q <= 4; ++q) {
    const long y = bottom - (bottom - top) * q / 4;
    img.line(left, y, right, y, {225, 225, 225});
  }
  img.line(left, top, left, bottom, {0, 0, 0});
  img.line(left, bottom, right, bottom, {0, 0, 0});
  std::size_t n = 0;
  for (const auto& s : series) n = std::max(n, s.size());
  auto xpos = [&](std::size_t i) {
    return n <= 1 ? (left + right) / 2 : left + static_cast<long>((right - left) * static_cast<double>(i) / (n - 1));
  };
  for (std::size_t i = 0; i < n; ++i) img.line(xpos(i), bottom, xpos(i), bottom + 4, {0, 0, 0});
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Rgb c = palette_color(k);
    long px = -1, py = -1;
    for (std::size_t i = 0; i < series[k].size(); ++i) {
      const double v = series[k][i];
      if (!std::isfinite(v)) {
        px = -1;
        continue;
      }
      const long x = xpos(i);
      const long y = bottom - static_cast<long>(std::lround((std::clamp(v, lo, hi) - lo) / span * (bottom - top)));
      if (px >= 0) img.line(px, py, x, y, c, 2);
      img.fill_rect(x - 3, y - 3, 7, 7, c);
      px = x;
      py = y;
    }
  }
  return img;
}

}  // namespace glassbox::explain
