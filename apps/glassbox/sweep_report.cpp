#include "sweep_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace glassbox::app {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json read_metrics(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return nullptr;
  json m = json::parse(in, nullptr, false);
  return m.is_discarded() ? json(nullptr) : m;
}

std::string cell(const json& v) {
  if (v.is_null()) return "-";
  if (v.is_number_float()) {
    std::ostringstream o;
    o << std::setprecision(4) << v.get<double>();
    return o.str();
  }
  return v.is_string() ? v.get<std::string>() : v.dump();
}

}  // namespace

json sweep_run_record(const std::string& sweep_dir, const std::string& folder, const GridPoint& point,
                      const std::string& error, int rank) {
  json r = {{"run", folder}, {"assignments", point.to_json()}, {"rank", rank}};
  const json m = error.empty() ? read_metrics(fs::path(sweep_dir) / folder / "metrics.json") : json(nullptr);
  if (!m.is_object()) {
    r["status"] = "failed";
    r["error"] = error.empty() ? "no metrics.json was written" : error;
    return r;
  }
  r["status"] = "ok";
  r["test_accuracy"] = m.value("test_accuracy", json(nullptr));
  r["test_loss"] = m.value("test_loss", json(nullptr));
  const json epochs = m.value("epochs", json::array());
  r["epochs"] = epochs.size();
  r["final_loss"] = epochs.empty() ? json(nullptr) : epochs.back().value("loss", json(nullptr));
  r["final_val_accuracy"] = epochs.empty() ? json(nullptr) : epochs.back().value("val_accuracy", json(nullptr));
  r["seconds_total"] = m.value("seconds_total", json(nullptr));
  return r;
}

json sweep_comparison(const std::string& source, const std::string& name, const std::vector<GridAxis>& axes,
                      json runs) {
  json grid = json::array();
  for (const auto& a : axes) {
    json values = json::array();
    for (const auto& v : a.values) values.push_back(GridPoint{{{a.key, v}}}.to_json()[a.key]);
    grid.push_back({{"key", a.key}, {"values", values}});
  }
  json best = nullptr;
  double best_accuracy = -1;
  for (const auto& r : runs)
    if (r["status"] == "ok" && r["test_accuracy"].is_number() && r["test_accuracy"].get<double>() > best_accuracy)
      best_accuracy = r["test_accuracy"].get<double>(), best = r["run"];
  return {{"experiment", source}, {"name", name}, {"grid", grid}, {"runs", std::move(runs)}, {"best", best}};
}

std::string sweep_table(const json& comparison) {
  std::vector<std::string> header = {"run"};
  for (const auto& a : comparison["grid"]) header.push_back(a["key"].get<std::string>());
  const std::vector<std::string> figures = {"test_accuracy", "test_loss", "epochs", "seconds_total", "status"};
  header.insert(header.end(), figures.begin(), figures.end());
  std::vector<std::vector<std::string>> rows = {header};
  for (const auto& r : comparison["runs"]) {
    std::vector<std::string> row = {r["run"].get<std::string>()};
    for (const auto& a : comparison["grid"]) row.push_back(cell(r["assignments"].value(a["key"].get<std::string>(), json(nullptr))));
    for (const auto& f : figures) row.push_back(cell(r.value(f, json(nullptr))));
    rows.push_back(row);
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::ostringstream out;
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i)
      out << row[i] << std::string(i + 1 < row.size() ? width[i] - row[i].size() + 2 : 0, ' ');
    out << "\n";
  }
  for (const auto& r : comparison["runs"])
    if (r["status"] != "ok") out << r["run"].get<std::string>() << " failed: " << r.value("error", "") << "\n";
  if (!comparison["best"].is_null()) out << "best: " << comparison["best"].get<std::string>() << "\n";
  return out.str();
}

}  // namespace glassbox::app
