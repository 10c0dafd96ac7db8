// concepts.json, the .npy heatmaps, the drawn path graphs, the reference sheets and the
// text report of a concept study (format in docs/signatures.md, "Concept paths").
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <numeric>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/explain/concept_relevance.h"
#include "glassbox/explain/heatmap.h"
#include "glassbox/explain/plot_image.h"
#include "glassbox/npy.h"

namespace glassbox::explain {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json num(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

std::string safe(const std::string& name) {
  std::string s;
  for (char c : name) s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  return s;
}
std::string class_stem(const ClassConceptPath& p) { return "class_" + safe(p.name); }

double share_of(double v, double total) { return std::abs(total) > 0 ? v / total : 0.0; }

// Edges of the path graph: between the top concepts of consecutive layers.
json edges_json(const ConceptStudy& st, const ClassConceptPath& p) {
  json out = json::array();
  for (std::size_t l = 0; l + 1 < st.layers.size(); ++l)
    for (std::size_t j : p.top[l + 1])
      for (std::size_t i : p.top[l]) {
        const double f = p.flow[l][i][j];
        out.push_back({{"upper", st.layers[l + 1].name}, {"upper_concept", j},
                       {"lower", st.layers[l].name},     {"lower_concept", i},
                       {"relevance", num(f)},            {"share_of_upper", num(share_of(f, p.relevance[l + 1][j]))}});
      }
  return out;
}

json class_json(const ConceptStudy& st, const ClassConceptPath& p) {
  json layers = json::array();
  for (std::size_t q = 0; q < st.layers.size(); ++q) {
    json share = json::array(), rel = json::array(), top = json::array();
    for (double v : p.relevance[q]) rel.push_back(num(v)), share.push_back(num(share_of(v, p.total[q])));
    for (std::size_t j : p.top[q])
      top.push_back({{"concept", j}, {"relevance", num(p.relevance[q][j])}, {"share", num(share_of(p.relevance[q][j], p.total[q]))}});
    layers.push_back({{"index", st.layers[q].index}, {"name", st.layers[q].name}, {"total", num(p.total[q])},
                      {"relevance", rel}, {"share", share}, {"top", top},
                      {"conservation_error", num(p.conservation_error[q])}, {"through_share", num(p.through_share[q])},
                      {"heatmaps", "concepts/arrays/" + class_stem(p) + "." + safe(st.layers[q].name) + ".heatmaps.npy"}});
  }
  json flow = json::array();
  for (std::size_t l = 0; l + 1 < st.layers.size(); ++l) {
    json m = json::array();
    for (const auto& row : p.flow[l]) {
      json r = json::array();
      for (double v : row) r.push_back(num(v));
      m.push_back(r);
    }
    flow.push_back({{"lower", st.layers[l].name}, {"upper", st.layers[l + 1].name}, {"matrix", m}});
  }
  json j = {{"target", p.target}, {"name", p.name}, {"count", p.count}, {"logit", num(p.logit)},
            {"layers", layers},   {"edges", edges_json(st, p)},       {"flow", flow},
            {"heatmap", "concepts/arrays/" + class_stem(p) + ".heatmap.npy"}};
  if (st.options.plots) j["graph"] = "concepts/plots/" + class_stem(p) + ".graph.png";
  return j;
}

json references_json(const ConceptStudy& st) {
  json out = json::array();
  for (std::size_t q = 0; q < st.references.size(); ++q) {
    json concepts = json::array();
    for (std::size_t c = 0; c < st.references[q].size(); ++c) {
      const auto& r = st.references[q][c];
      json rel = json::array(), act = json::array();
      for (std::size_t t = 0; t < r.by_relevance.size(); ++t)
        rel.push_back({{"sample", r.by_relevance[t]}, {"relevance", num(r.relevance[t])}});
      for (std::size_t t = 0; t < r.by_activation.size(); ++t)
        act.push_back({{"sample", r.by_activation[t]}, {"activation", num(r.activation[t])}});
      concepts.push_back({{"concept", c}, {"by_relevance", rel}, {"by_activation", act}});
    }
    json layer = {{"index", st.layers[q].index}, {"name", st.layers[q].name}, {"concepts", concepts}};
    if (st.options.plots) layer["plot"] = "concepts/plots/" + safe(st.layers[q].name) + ".references.png";
    out.push_back(layer);
  }
  return out;
}

// 3x5 digits, rows top to bottom, 3 bits each (left = 4).
const int kDigits[10][5] = {{7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
                            {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7}};

// Draws the digits of `text` (other characters are skipped).
void draw_digits(Image& img, long x, long y, const std::string& text, long scale, Rgb colour) {
  for (std::size_t d = 0; d < text.size(); ++d)
    if (std::isdigit(static_cast<unsigned char>(text[d])))
      for (int row = 0; row < 5; ++row)
        for (int col = 0; col < 3; ++col)
          if (kDigits[text[d] - '0'][row] & (4 >> col))
            img.fill_rect(x + static_cast<long>(d) * 4 * scale + col * scale, y + row * scale, scale, scale, colour);
}

void draw_number(Image& img, long x, long y, std::size_t value, long scale, Rgb colour) {
  draw_digits(img, x, y, std::to_string(value), scale, colour);
}

void paste(Image& img, const RgbImage& src, long x0, long y0) {
  for (std::size_t y = 0; y < src.height; ++y)
    for (std::size_t x = 0; x < src.width; ++x) {
      const std::uint8_t* p = src.rgb.data() + (y * src.width + x) * 3;
      img.set(x0 + static_cast<long>(x), y0 + static_cast<long>(y), {p[0], p[1], p[2]});
    }
}

// Row r of a batch as one sample (per-sample shape).
Tensor sample_of(const Tensor& batch, std::size_t r) {
  Tensor t = Tensor::from_shape(Shape(batch.shape().begin() + 1, batch.shape().end()));
  const std::size_t per = t.size();
  std::copy(batch.data() + r * per, batch.data() + (r + 1) * per, t.data());
  return t;
}

// The path graph of one class: a column per concept layer (lowest left), the class's
// output on the right; a node per top concept, coloured by its share (red: for the class,
// blue: against), labelled with its index; edges as thick as the relevance they carry.
Image concept_graph_image(const ConceptStudy& st, const ClassConceptPath& p) {
  const std::size_t columns = st.layers.size() + 1, k = st.options.top_k;
  const long dx = 150, dy = 54, node = 26, left = 50, top = 30;
  Image img(static_cast<std::size_t>(left * 2 + dx * static_cast<long>(columns - 1)), static_cast<std::size_t>(top * 2 + dy * static_cast<long>(k)));
  auto node_y = [&](std::size_t rank, std::size_t count) {
    return top + dy * static_cast<long>(rank) + dy * static_cast<long>(k - count) / 2 + dy / 2;
  };
  const long out_y = top + dy * static_cast<long>(k) / 2;
  double max_flow = 0;
  for (std::size_t l = 0; l + 1 < st.layers.size(); ++l)
    for (std::size_t j : p.top[l + 1])
      for (std::size_t i : p.top[l]) max_flow = std::max(max_flow, std::abs(p.flow[l][i][j]));
  for (std::size_t j : p.top.back()) max_flow = std::max(max_flow, std::abs(p.relevance.back()[j]));
  auto edge = [&](long x0, long y0, long x1, long y1, double f) {
    if (!(max_flow > 0) || std::abs(f) < 0.02 * max_flow) return;
    const int thick = 1 + static_cast<int>(std::lround(6.0 * std::abs(f) / max_flow));
    img.line(x0, y0, x1, y1, f > 0 ? Rgb{200, 60, 50} : Rgb{50, 100, 190}, thick);
  };
  const std::size_t L = st.layers.size();
  for (std::size_t l = 0; l + 1 < L; ++l)
    for (std::size_t b = 0; b < p.top[l + 1].size(); ++b)
      for (std::size_t a = 0; a < p.top[l].size(); ++a)
        edge(left + dx * static_cast<long>(l), node_y(a, p.top[l].size()), left + dx * static_cast<long>(l + 1),
             node_y(b, p.top[l + 1].size()), p.flow[l][p.top[l][a]][p.top[l + 1][b]]);
  for (std::size_t b = 0; b < p.top.back().size(); ++b)
    edge(left + dx * static_cast<long>(L - 1), node_y(b, p.top.back().size()), left + dx * static_cast<long>(L), out_y,
         p.relevance.back()[p.top.back()[b]]);
  for (std::size_t l = 0; l < L; ++l) {
    double max_share = 0;
    for (double v : p.relevance[l]) max_share = std::max(max_share, std::abs(share_of(v, p.total[l])));
    for (std::size_t a = 0; a < p.top[l].size(); ++a) {
      const std::size_t c = p.top[l][a];
      const double s = max_share > 0 ? share_of(p.relevance[l][c], p.total[l]) / max_share : 0.0;
      const long x = left + dx * static_cast<long>(l), y = node_y(a, p.top[l].size());
      img.fill_rect(x - node / 2 - 1, y - node / 2 - 1, node + 2, node + 2, {40, 40, 40});
      img.fill_rect(x - node / 2, y - node / 2, node, node, colormap(Colormap::diverging, 0.5 + 0.5 * s));
      draw_number(img, x + node / 2 + 4, y - 5, c, 2, {0, 0, 0});
    }
  }
  const long ox = left + dx * static_cast<long>(L);
  img.fill_rect(ox - node / 2, out_y - node / 2, node, node, {40, 40, 40});
  // The class's name when it is a number (a digit class), else its output index.
  const bool numeric = !p.name.empty() && std::all_of(p.name.begin(), p.name.end(), [](char ch) {
    return std::isdigit(static_cast<unsigned char>(ch)) != 0;
  });
  draw_digits(img, ox + node / 2 + 4, out_y - 5, numeric ? p.name : std::to_string(p.target), 2, {0, 0, 0});
  return img;
}

// The unconditional heatmap, then the conditional heatmaps of the layer's top concepts.
Image top_concepts_image(const ClassConceptPath& p, std::size_t q) {
  HeatmapOptions ho;
  ho.min_size = 112;
  std::vector<RgbImage> cells = {render_heatmap(sample_of(p.heatmap, 0), ho)};
  for (std::size_t c : p.top[q]) cells.push_back(render_heatmap(sample_of(p.heatmaps[q], c), ho));
  const std::size_t w = cells[0].width, h = cells[0].height, gap = 6;
  Image img(cells.size() * (w + gap) + gap, h + 2 * gap + 14);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    paste(img, cells[i], static_cast<long>(gap + i * (w + gap)), static_cast<long>(gap));
    if (i > 0) draw_number(img, static_cast<long>(gap + i * (w + gap)), static_cast<long>(h + gap + 3), p.top[q][i - 1], 2, {0, 0, 0});
  }
  return img;
}

// One row per concept: its reference inputs (by relevance) under their conditional heatmaps.
Image references_image(const std::vector<ConceptReference>& refs, const LabeledData& heldout) {
  HeatmapOptions ho;
  ho.min_size = 56;
  ho.overlay = true;
  std::size_t cols = 0;
  for (const auto& r : refs) cols = std::max(cols, r.by_relevance.size());
  const std::size_t side = 56, gap = 4, label = 30;
  Image img(label + cols * (side + gap) + gap, refs.size() * (side + gap) + gap);
  for (std::size_t c = 0; c < refs.size(); ++c) {
    const long y = static_cast<long>(gap + c * (side + gap));
    draw_number(img, 4, y + static_cast<long>(side) / 2 - 5, c, 2, {0, 0, 0});
    for (std::size_t t = 0; t < refs[c].by_relevance.size(); ++t) {
      const Tensor input = sample_of(heldout.batch({refs[c].by_relevance[t]}), 0);
      const Tensor rel = sample_of(refs[c].heatmaps, t);
      paste(img, render_heatmap(rel, ho, &input), static_cast<long>(label + gap + t * (side + gap)), y);
    }
  }
  return img;
}

}  // namespace

json concept_study_json(const ConceptStudy& st) {
  json layers = json::array();
  for (const auto& l : st.layers)
    layers.push_back({{"index", l.index}, {"name", l.name}, {"type", l.type}, {"concepts", l.concepts}});
  json classes = json::array();
  for (const auto& p : st.classes) classes.push_back(class_json(st, p));
  return {{"method", "concept_relevance_propagation"},
          {"composite", st.options.composite},
          {"samples_per_class", st.options.samples},
          {"top_k", st.options.top_k},
          {"layers", layers},
          {"classes", classes},
          {"reference_pool", st.pool},
          {"references", references_json(st)},
          {"seconds", st.seconds}};
}

void write_concept_study(const ConceptStudy& st, const LabeledData& heldout, const std::string& dir) {
  const fs::path arrays = fs::path(dir) / "concepts" / "arrays", plots = fs::path(dir) / "concepts" / "plots";
  std::error_code ec;
  fs::create_directories(arrays, ec);
  if (st.options.plots) fs::create_directories(plots, ec);
  if (ec) throw Error((fs::path(dir) / "concepts").string() + ": cannot create the folder (" + ec.message() + ")");
  for (const auto& p : st.classes) {
    write_npy((arrays / (class_stem(p) + ".heatmap.npy")).string(), p.heatmap);
    for (std::size_t q = 0; q < st.layers.size(); ++q) {
      const std::string base = class_stem(p) + "." + safe(st.layers[q].name);
      write_npy((arrays / (base + ".heatmaps.npy")).string(), p.heatmaps[q]);
      if (st.options.plots) write_png((plots / (base + ".top.png")).string(), top_concepts_image(p, q));
    }
    if (st.options.plots) write_png((plots / (class_stem(p) + ".graph.png")).string(), concept_graph_image(st, p));
  }
  if (st.options.plots)
    for (std::size_t q = 0; q < st.references.size(); ++q)
      write_png((plots / (safe(st.layers[q].name) + ".references.png")).string(),
                references_image(st.references[q], heldout));
  write_file_atomic((fs::path(dir) / "concepts.json").string(), concept_study_json(st).dump(2) + "\n");
}

std::string concept_report(const ConceptStudy& st) {
  std::ostringstream o;
  o << "concept paths (CRP, " << st.options.composite << "): top concepts per layer, share of the class's relevance\n"
    << std::fixed << std::setprecision(3);
  for (const auto& p : st.classes) {
    o << "  class " << p.name << " (" << p.count << " inputs)\n";
    for (std::size_t q = 0; q < st.layers.size(); ++q) {
      o << "    " << std::left << std::setw(14) << st.layers[q].name << std::right;
      for (std::size_t c : p.top[q]) o << "  #" << c << " " << share_of(p.relevance[q][c], p.total[q]);
      o << "   (conservation " << std::scientific << std::setprecision(1) << p.conservation_error[q] << std::fixed
        << std::setprecision(3);
      // A layer a skip connection bypasses: how much of the relevance goes through it.
      if (std::abs(p.through_share[q] - 1.0) > 1e-3) o << "; " << p.through_share[q] << " of the relevance through it";
      o << ")\n";
    }
  }
  return o.str();
}

}  // namespace glassbox::explain
