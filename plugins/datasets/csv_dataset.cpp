// csv: one sample per line: a label column and feature columns, comma-separated, header
// optional. Features are kept as float; with "max_value": 255 and byte-valued cells they
// are stored as bytes and scaled to 0..1.
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "glassbox/error.h"
#include "glassbox/file_input.h"
#include "glassbox/registry.h"
#include "glassbox/shape_check.h"
#include "sources.h"

namespace glassbox::plugins {

namespace {

struct CsvTable {
  std::vector<std::string> header;  // empty when the file has none
  std::vector<float> features;
  std::vector<int> labels;
  std::size_t num_features = 0;
  int max_label = -1;
  std::vector<std::size_t> label_lines;  // line of each sample, for later messages
};

struct Cell {
  std::string text;
  std::size_t column;  // 1-based character column of its first character
};

std::vector<Cell> split_line(const std::string& line) {
  std::vector<Cell> cells;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string::npos ? line.size() : comma;
    cells.push_back({line.substr(start, end - start), start + 1});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cells;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

bool parse_float(const std::string& text, float* out) {
  const std::string t = trim(text);
  if (t.empty()) return false;
  const char* begin = t.data() + (t[0] == '+' ? 1 : 0);
  auto r = std::from_chars(begin, t.data() + t.size(), *out);
  return r.ec == std::errc() && r.ptr == t.data() + t.size() && std::isfinite(*out);
}

std::string unquote(const std::string& s) {
  std::string t = trim(s);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  return t;
}

// `label_column` is an index (negative counts from the end) or, with a header, a name.
std::size_t label_index(const nlohmann::json& options, const std::vector<std::string>& header,
                        std::size_t num_cells, const std::string& path) {
  if (!options.contains("label_column") || options["label_column"].is_null()) return 0;
  const auto& lc = options["label_column"];
  if (lc.is_number_integer()) {
    const long long i = lc.get<long long>();
    const long long n = static_cast<long long>(num_cells);
    if (i >= n || i < -n)
      throw ConfigError("option 'label_column' = " + std::to_string(i) + " but " + path + " has " +
                        std::to_string(num_cells) + " columns");
    return static_cast<std::size_t>(i < 0 ? n + i : i);
  }
  if (lc.is_string()) {
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == lc.get<std::string>()) return i;
    throw ConfigError("option 'label_column' = \"" + lc.get<std::string>() + "\" names no column of " +
                      path + (header.empty() ? " (the file has no header)" : ""));
  }
  throw ConfigError("option 'label_column' must be a column index or name, got " + lc.dump());
}

CsvTable read_csv(const std::string& path, const nlohmann::json& options) {
  // Read whole (at most kMaxCsvFileBytes, a regular file only): /dev/zero or a FIFO is
  // refused at once instead of being read without end.
  std::istringstream f(read_regular_file(path, kMaxCsvFileBytes, "CSV file"));
  // header: true, false or "auto" (a first line with a non-numeric cell is a header).
  std::string header_mode = "auto";
  if (options.contains("header") && options["header"].is_boolean())
    header_mode = options["header"].get<bool>() ? "true" : "false";
  else if (options.contains("header") && !(options["header"].is_string() && options["header"] == "auto") &&
           !options["header"].is_null())
    throw ConfigError("option 'header' must be true, false or \"auto\", got " + options["header"].dump());

  CsvTable t;
  std::string line;
  std::size_t line_no = 0, expected_cells = 0, first_data_line = 0;
  std::size_t label_col = 0;
  bool first = true;
  while (std::getline(f, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    std::vector<Cell> cells = split_line(line);
    if (first) {
      first = false;
      bool numeric = true;
      float v;
      for (const auto& c : cells) numeric = numeric && parse_float(c.text, &v);
      if (header_mode == "true" || (header_mode == "auto" && !numeric)) {
        for (const auto& c : cells) t.header.push_back(unquote(c.text));
        expected_cells = cells.size();
        label_col = label_index(options, t.header, cells.size(), path);
        continue;
      }
    }
    if (expected_cells == 0) {
      expected_cells = cells.size();
      label_col = label_index(options, t.header, cells.size(), path);
    }
    if (first_data_line == 0) first_data_line = line_no;
    if (cells.size() != expected_cells)
      throw DataError(path + ":" + std::to_string(line_no) + ":" + std::to_string(line.size() + 1) +
                      ": ragged row: " + std::to_string(cells.size()) + " cells, expected " +
                      std::to_string(expected_cells) + " (as in line " +
                      std::to_string(t.header.empty() ? first_data_line : std::size_t{1}) + ")");
    if (expected_cells < 2)
      throw DataError(path + ":" + std::to_string(line_no) + ": a row needs a label and at least one feature");
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const Cell& c = cells[i];
      // Built only for a message: every cell of a large file passes here.
      auto where = [&] { return path + ":" + std::to_string(line_no) + ":" + std::to_string(c.column); };
      float v = 0;
      if (!parse_float(c.text, &v))
        throw DataError(where() + ": " + (trim(c.text).empty() ? std::string("empty cell") : "'" + trim(c.text) + "' is not a number") +
                        " (column " + std::to_string(i + 1) + ")");
      if (i == label_col) {
        if (v < 0 || v != std::floor(v) || v > 1e6f)
          throw DataError(where() + ": label '" + trim(c.text) + "' is not a class number (0, 1, 2, ...)");
        t.labels.push_back(static_cast<int>(v));
        t.max_label = std::max(t.max_label, t.labels.back());
        t.label_lines.push_back(line_no);
      } else {
        t.features.push_back(v);
      }
    }
  }
  if (t.labels.empty()) throw DataError(path + ": no data rows");
  t.num_features = expected_cells - 1;
  return t;
}

Shape shape_option(const nlohmann::json& options, std::size_t num_features, const std::string& path) {
  if (!options.contains("shape") || options["shape"].is_null()) return {num_features};
  // Checked before any product: [1, -1, -4] read as sizes would wrap to 4 features.
  const Shape s = shape_from_json(options["shape"], "option 'shape'");
  if (shape_size(s) != num_features)
    throw ConfigError("option 'shape' " + shape_to_string(s) + " holds " + std::to_string(shape_size(s)) +
                      " values but " + path + " has " + std::to_string(num_features) + " feature columns");
  return s;
}

void check_labels(const CsvTable& t, std::size_t num_classes, const std::string& path) {
  for (std::size_t i = 0; i < t.labels.size(); ++i)
    if (static_cast<std::size_t>(t.labels[i]) >= num_classes)
      throw DataError(path + ":" + std::to_string(t.label_lines[i]) + ": label " + std::to_string(t.labels[i]) +
                      " is out of range (" + std::to_string(num_classes) + " class names given)");
}

LabeledData to_labeled(CsvTable t, const Shape& shape, const std::vector<std::string>& names,
                       double max_value) {
  if (max_value == 255.0) {
    bool bytes = true;
    for (float v : t.features) bytes = bytes && v >= 0 && v <= 255 && v == std::floor(v);
    if (bytes) {
      std::vector<std::uint8_t> px(t.features.begin(), t.features.end());
      return LabeledData(shape, std::move(px), std::move(t.labels), names, 1.0f / 255.0f);
    }
  }
  if (max_value != 1.0)
    for (float& v : t.features) v = static_cast<float>(v / max_value);
  return LabeledData(shape, std::move(t.features), std::move(t.labels), names);
}

class CsvDataset : public DatasetSource {
 public:
  std::string type() const override { return "csv"; }

  DatasetInfo describe(const nlohmann::json& options) const override {
    DatasetInfo info;
    info.name = "csv";
    info.description = "your own CSV file: a label column and feature columns, header optional";
    const std::string path = option<std::string>(options, "path", "");
    if (path.empty()) {
      info.available = false;
      info.install_hint = "a file format: set the data option 'path' (and optionally 'test') to CSV files";
      return info;
    }
    DatasetSplits s = load(options);
    info.location = path;
    info.sample_shape = s.train.sample_shape();
    info.train_size = s.train.size();
    info.test_size = s.test.size();
    info.class_names = s.train.class_names();
    return info;
  }

  DatasetSplits load(const nlohmann::json& options) const override {
    const auto path = required_option<std::string>(options, "path");
    const std::string test_path = option<std::string>(options, "test", "");
    const double max_value = required_option<double>(options, "max_value");
    if (!(max_value > 0)) throw ConfigError("option 'max_value' must be positive");
    CsvTable train = read_csv(path, options);
    CsvTable test;
    if (!test_path.empty()) {
      test = read_csv(test_path, options);
      if (test.num_features != train.num_features)
        throw DataError(test_path + ": " + std::to_string(test.num_features) + " feature columns, but " + path +
                        " has " + std::to_string(train.num_features));
    }
    const auto names = class_names_option(options, std::max(train.max_label, test.max_label));
    check_labels(train, names.size(), path);
    if (!test_path.empty()) check_labels(test, names.size(), test_path);
    const Shape shape = shape_option(options, train.num_features, path);
    LabeledData all = to_labeled(std::move(train), shape, names, max_value);
    if (test_path.empty())
      return holdout_split(all, required_option<double>(options, "test_split"),
                           required_option<std::uint64_t>(options, "data_seed"));
    return {std::move(all), to_labeled(std::move(test), shape, names, max_value)};
  }
};

}  // namespace

std::unique_ptr<DatasetSource> make_csv_dataset() { return std::make_unique<CsvDataset>(); }

}  // namespace glassbox::plugins
