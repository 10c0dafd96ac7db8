#include "glassbox/explain/heatmap.h"

#include <png.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "glassbox/error.h"
#include "glassbox/file_input.h"

namespace glassbox::explain {

namespace {

// (planes, h, w) of a (C, H, W) or (H, W) sample, optionally with a leading batch axis of 1.
void plane_layout(const Tensor& t, std::size_t& planes, std::size_t& h, std::size_t& w) {
  Shape s = shape_of(t);
  while (s.size() > 2 && s.front() == 1 && s.size() > 3) s.erase(s.begin());
  if (s.size() == 1) {
    // A flat vector: show it as a near-square image when it is a square number.
    const auto side = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(s[0]))));
    if (side * side == s[0]) s = {side, side};
    else s = {1, s[0]};
  }
  if (s.size() < 2) throw Error("heatmap: cannot draw a tensor of shape " + shape_to_string(s));
  h = s[s.size() - 2];
  w = s[s.size() - 1];
  planes = t.size() / (h * w);
}

std::size_t scale_for(std::size_t h, std::size_t w, std::size_t min_size) {
  const std::size_t side = std::max<std::size_t>(1, std::min(h, w));
  return std::max<std::size_t>(1, (min_size + side - 1) / side);
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};

}  // namespace

void diverging_color(float t, const std::string& colormap, std::uint8_t rgb[3]) {
  t = std::max(-1.0f, std::min(1.0f, t));
  float r, g, b;
  if (colormap == "seismic") {
    // matplotlib seismic: dark blue -> blue -> white -> red -> dark red.
    if (t < 0) {
      const float a = -t;
      if (a < 0.5f) r = g = 1.0f - 2.0f * a, b = 1.0f;
      else r = g = 0.0f, b = 1.0f - (a - 0.5f) * 1.4f;
    } else {
      if (t < 0.5f) r = 1.0f, g = b = 1.0f - 2.0f * t;
      else r = 1.0f - (t - 0.5f) * 1.0f, g = b = 0.0f;
    }
  } else {
    // matplotlib bwr: blue (0,0,1) -> white -> red (1,0,0), linear.
    if (t < 0) r = g = 1.0f + t, b = 1.0f;
    else r = 1.0f, g = b = 1.0f - t;
  }
  rgb[0] = static_cast<std::uint8_t>(std::lround(255.0f * r));
  rgb[1] = static_cast<std::uint8_t>(std::lround(255.0f * g));
  rgb[2] = static_cast<std::uint8_t>(std::lround(255.0f * b));
}

RgbImage render_heatmap(const Tensor& relevance, const HeatmapOptions& o, const Tensor* input) {
  std::size_t planes, h, w;
  plane_layout(relevance, planes, h, w);
  std::vector<float> map(h * w, 0.0f);
  for (std::size_t c = 0; c < planes; ++c)
    for (std::size_t k = 0; k < h * w; ++k) map[k] += relevance.data()[c * h * w + k];
  float peak = 0.0f;
  for (float v : map)
    if (std::isfinite(v)) peak = std::max(peak, std::fabs(v));
  std::vector<float> grey;
  if (o.overlay && input) {
    std::size_t ip, ih, iw;
    plane_layout(*input, ip, ih, iw);
    if (ih != h || iw != w) throw Error("heatmap: the overlay input is " + std::to_string(ih) + "x" +
                                        std::to_string(iw) + ", the relevance " + std::to_string(h) + "x" + std::to_string(w));
    grey.assign(h * w, 0.0f);
    for (std::size_t c = 0; c < ip; ++c)
      for (std::size_t k = 0; k < h * w; ++k) grey[k] += input->data()[c * h * w + k] / static_cast<float>(ip);
    auto [lo, hi] = std::minmax_element(grey.begin(), grey.end());
    const float l = *lo, span = std::max(*hi - *lo, 1e-12f);
    for (float& g : grey) g = (g - l) / span;
  }
  const std::size_t s = scale_for(h, w, o.min_size);
  RgbImage img;
  img.width = w * s;
  img.height = h * s;
  img.rgb.resize(img.width * img.height * 3);
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      float v = map[y * w + x];
      float t = peak > 0 && std::isfinite(v) ? v / peak : 0.0f;
      if (o.gamma != 1.0f) t = std::copysign(std::pow(std::fabs(t), o.gamma), t);
      std::uint8_t c[3];
      diverging_color(t, o.colormap, c);
      if (!grey.empty()) {
        // Blend towards a dimmed grey input where relevance is weak.
        const float a = std::fabs(t);
        const float g = 255.0f * (0.15f + 0.6f * grey[y * w + x]);
        for (int k = 0; k < 3; ++k) c[k] = static_cast<std::uint8_t>(std::lround(a * c[k] + (1 - a) * g));
      }
      for (std::size_t dy = 0; dy < s; ++dy)
        for (std::size_t dx = 0; dx < s; ++dx) {
          std::uint8_t* p = &img.rgb[((y * s + dy) * img.width + x * s + dx) * 3];
          p[0] = c[0], p[1] = c[1], p[2] = c[2];
        }
    }
  return img;
}

RgbImage render_input(const Tensor& input, std::size_t min_size) {
  std::size_t planes, h, w;
  plane_layout(input, planes, h, w);
  const std::size_t s = scale_for(h, w, min_size);
  RgbImage img;
  img.width = w * s;
  img.height = h * s;
  img.rgb.resize(img.width * img.height * 3);
  auto [lo, hi] = std::minmax_element(input.data(), input.data() + input.size());
  const float l = *lo, span = std::max(*hi - *lo, 1e-12f);
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      std::uint8_t c[3];
      for (int k = 0; k < 3; ++k) {
        const std::size_t plane = planes == 3 ? static_cast<std::size_t>(k) : 0;
        float v = 0;
        if (planes == 3) v = input.data()[plane * h * w + y * w + x];
        else {
          for (std::size_t p = 0; p < planes; ++p) v += input.data()[p * h * w + y * w + x];
          v /= static_cast<float>(planes);
        }
        c[k] = static_cast<std::uint8_t>(std::lround(255.0f * std::min(1.0f, std::max(0.0f, (v - l) / span))));
      }
      for (std::size_t dy = 0; dy < s; ++dy)
        for (std::size_t dx = 0; dx < s; ++dx) {
          std::uint8_t* p = &img.rgb[((y * s + dy) * img.width + x * s + dx) * 3];
          p[0] = c[0], p[1] = c[1], p[2] = c[2];
        }
    }
  return img;
}

// libpng reports through these instead of printing to stderr: the message is kept for the
// exception thrown after the longjmp.
struct PngMessage {
  char text[200] = "";
};
void png_error_to_message(png_structp png, png_const_charp message) {
  if (auto* m = static_cast<PngMessage*>(png_get_error_ptr(png))) {
    std::snprintf(m->text, sizeof m->text, "%s", message ? message : "");
  }
  png_longjmp(png, 1);
}
void png_ignore_warning(png_structp, png_const_charp) {}

void write_png(const std::string& path, const RgbImage& image) {
  const std::string tmp = path + ".tmp";
  std::unique_ptr<FILE, FileCloser> f(std::fopen(tmp.c_str(), "wb"));
  if (!f) throw Error("cannot write '" + path + "': cannot open for writing");
  PngMessage message;
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, &message, png_error_to_message, png_ignore_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_write_struct(&png, &info);
    throw Error("cannot write '" + path + "': libpng could not start");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    std::remove(tmp.c_str());
    throw Error("cannot write '" + path + "': libpng failed (" + std::string(message.text) + ")");
  }
  png_init_io(png, f.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (std::size_t y = 0; y < image.height; ++y)
    png_write_row(png, const_cast<png_bytep>(&image.rgb[y * image.width * 3]));
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(f.get()) != 0) throw Error("cannot write '" + path + "': write failed");
  f.reset();
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw Error("cannot write '" + path + "': rename failed");
}

namespace {

// libpng transformations that turn every PNG variant (palette, grey, 16 bit, with or
// without transparency) into 8-bit RGBA rows. Called inside read_png's setjmp scope.
void expand_to_rgba(png_structp png, png_infop info) {
  const int color = png_get_color_type(png, info);
  if (png_get_bit_depth(png, info) == 16) png_set_strip_16(png);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && png_get_bit_depth(png, info) < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  if (!(color & PNG_COLOR_MASK_ALPHA) && !png_get_valid(png, info, PNG_INFO_tRNS)) png_set_filler(png, 0xFF, PNG_FILLER_AFTER);
  png_read_update_info(png, info);
}

// (channels, h, w) in [0, 1] from h x w RGBA bytes: one channel is the ITU-R BT.601 luma
// (as PIL's convert("L")), more take R, G, B (B again for a fourth).
Tensor rgba_to_tensor(const std::vector<std::uint8_t>& pixels, std::size_t w, std::size_t h, std::size_t channels) {
  Tensor out = Tensor::from_shape({channels, h, w});
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      const std::uint8_t* p = &pixels[(y * w + x) * 4];
      if (channels == 1) {
        out.data()[y * w + x] = (0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]) / 255.0f;
      } else {
        for (std::size_t c = 0; c < channels; ++c) out.data()[(c * h + y) * w + x] = p[std::min<std::size_t>(c, 2)] / 255.0f;
      }
    }
  return out;
}

}  // namespace

Tensor read_png(const std::string& path, std::size_t channels) {
  // Only a regular file of at most kMaxPngFileBytes (a FIFO would block libpng forever).
  InputFile checked = open_regular_file(path, kMaxPngFileBytes, "PNG file");
  const int fd = checked.release();
  std::unique_ptr<FILE, FileCloser> f(::fdopen(fd, "rb"));
  if (!f) {
    ::close(fd);
    throw DataError("cannot read '" + path + "': no such file or not readable");
  }
  unsigned char sig[8];
  if (std::fread(sig, 1, 8, f.get()) != 8 || png_sig_cmp(sig, 0, 8) != 0)
    throw DataError("'" + path + "' is not a PNG file (bad signature)");
  PngMessage message;
  png_structp png =
      png_create_read_struct(PNG_LIBPNG_VER_STRING, &message, png_error_to_message, png_ignore_warning);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (!png || !info) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw DataError("cannot read '" + path + "': libpng could not start");
  }
  std::vector<std::uint8_t> pixels;
  std::vector<png_bytep> rows;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw DataError("'" + path + "': corrupt or truncated PNG data (libpng: " + std::string(message.text) + ")");
  }
  png_init_io(png, f.get());
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  // The pixel buffer is allocated from the header: bound it before trusting it.
  if (static_cast<std::uint64_t>(w) * h > kMaxPngPixels) {
    png_destroy_read_struct(&png, &info, nullptr);
    throw DataError("'" + path + "': a PNG of " + std::to_string(w) + "x" + std::to_string(h) +
                    " pixels is larger than the limit of " + std::to_string(kMaxPngPixels) + " pixels");
  }
  expand_to_rgba(png, info);
  pixels.resize(static_cast<std::size_t>(w) * h * 4);
  rows.resize(h);
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = &pixels[static_cast<std::size_t>(y) * w * 4];
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);

  return rgba_to_tensor(pixels, w, h, channels);
}

}  // namespace glassbox::explain
