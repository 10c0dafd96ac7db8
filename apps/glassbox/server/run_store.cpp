#include "run_store.h"

#include "glassbox/folder_swap.h"
#include "glassbox/json_text.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "glassbox/json_text.h"
#include "http_json.h"
#include "path_safety.h"

namespace glassbox::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

double mtime_seconds(const fs::path& p) {
  std::error_code ec;
  auto t = fs::last_write_time(p, ec);
  if (ec) return 0;
  // file_time_type's clock is not system_clock in C++17; convert through "now".
  auto sys = std::chrono::system_clock::now() +
             std::chrono::duration_cast<std::chrono::system_clock::duration>(t - fs::file_time_type::clock::now());
  return std::chrono::duration<double>(sys.time_since_epoch()).count();
}

}  // namespace

json read_json_file(const std::string& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return nullptr;
  auto size = fs::file_size(path, ec);
  if (ec) return {{"error", "cannot read " + fs::path(path).filename().string()}};
  if (size > max_bytes)
    return {{"error", fs::path(path).filename().string() + " is " + std::to_string(size) +
                          " bytes, more than the " + std::to_string(max_bytes) + " served inline"},
            {"too_large", true}};
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return parse_json_text(ss.str(), fs::path(path).filename().string());
  } catch (const JsonTextError& e) {
    return {{"error", e.what()}};
  } catch (const json::exception& e) {
    return {{"error", fs::path(path).filename().string() + ": " + e.what()}};
  }
}

RunStore::RunStore(std::string root) : root_(std::move(root)) {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (!root_.empty() && root_.back() == '/' && root_.size() > 1) root_.pop_back();
}

std::vector<std::string> RunStore::ids() const {
  std::vector<std::pair<double, std::string>> found;
  // A folder of `parent` named `name` that is a run: a real folder, not one being written
  // ("<name>.tmp" is `glassbox run --out` still writing, or killed while writing).
  auto add_run = [&found](const fs::path& parent, const std::string& name, const std::string& id) {
    if (is_temporary_name(name) || !is_real_directory((parent / name).string())) return;
    found.emplace_back(mtime_seconds(parent / name), id);
  };
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_valid_run_id(name)) continue;
    if (!is_sweep_folder(it->path().string())) {
      add_run(root_, name, name);
      continue;
    }
    std::error_code sweep_ec;
    for (fs::directory_iterator run(it->path(), sweep_ec), e2; !sweep_ec && run != e2; run.increment(sweep_ec)) {
      const std::string run_name = run->path().filename().string();
      if (is_sweep_run_name(run_name)) add_run(it->path(), run_name, name + "/" + run_name);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

bool RunStore::exists(const std::string& id) const {
  if (!is_valid_run_id(id)) return false;
  const auto slash = id.find('/');
  // A sweep's run: its sweep folder must be a real sweep folder too, so a link named like
  // a sweep cannot lead out of the runs folder.
  if (slash != std::string::npos && !is_sweep_folder(root_ + "/" + id.substr(0, slash))) return false;
  if (slash == std::string::npos && is_sweep_folder(root_ + "/" + id)) return false;  // a sweep, not a run
  return is_real_directory(root_ + "/" + id);
}

std::string RunStore::dir(const std::string& id) const {
  if (!is_valid_run_id(id)) throw HttpError(400, "invalid run id '" + id.substr(0, 140) + "'");
  if (!exists(id)) throw HttpError(404, "no run '" + id + "'");
  return root_ + "/" + id;
}

std::string RunStore::reserve(const std::string& name) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::string base = sanitize_id(name) + "-" + stamp;
  for (int k = 1; k < 1000; ++k) {
    std::string id = k == 1 ? base : base + "-" + std::to_string(k);
    std::error_code ec;
    if (fs::create_directory(root_ + "/" + id, ec)) return id;
    if (ec) throw HttpError(500, "cannot create a run folder in " + root_ + ": " + ec.message());
  }
  throw HttpError(503, "too many runs named '" + base + "'");
}

std::string RunStore::file(const std::string& id, const std::string& name) const {
  return resolve_inside(dir(id), name).value_or("");
}

json RunStore::summary(const std::string& id) const {
  std::string d = dir(id);
  json config = read_json_file(file(id, "config.json"));
  json metrics = read_json_file(file(id, "metrics.json"));
  json status = read_json_file(file(id, "status.json"));
  std::error_code ec;
  json s = {{"id", id}, {"created", mtime_seconds(d)}};
  if (const auto slash = id.find('/'); slash != std::string::npos) s["sweep"] = id.substr(0, slash);
  s["name"] = config.is_object() && config.contains("name") ? config["name"] : json(id);
  if (config.is_object() && config.contains("data") && config["data"].is_object()) {
    s["dataset"] = config["data"].value("dataset", "");
    if (config["data"].contains("classes")) s["classes"] = config["data"]["classes"];
  }
  if (config.is_object() && config.contains("train") && config["train"].is_object())
    s["epochs_planned"] = config["train"].value("epochs", json(nullptr));
  std::string state = "incomplete";
  if (status.is_object() && status.contains("state")) state = status.value("state", "incomplete");
  else if (metrics.is_object() && !metrics.contains("error")) state = "done";
  if (status.is_object() && status.contains("error")) s["error"] = status["error"];
  // The queue writes "queued" and "running" as they happen; read from disk (no live job
  // of this server overrides it, see routes_runs.cpp) they mean the server stopped first.
  if (state == "queued" || state == "running") {
    s["error"] = "interrupted: the server stopped while this job was " + state + "; submit it again";
    state = "interrupted";
  }
  s["state"] = state;
  if (s["name"] == json(id) && status.is_object() && status.contains("name")) s["name"] = status["name"];
  if (metrics.is_object()) {
    for (const char* k : {"test_accuracy", "test_loss"})
      if (metrics.contains(k)) s[k] = metrics[k];
    if (metrics.contains("epochs") && metrics["epochs"].is_array()) s["epochs"] = metrics["epochs"].size();
  }
  s["has_model"] = fs::is_regular_file(file(id, "model/model.json"), ec);
  s["has_signatures"] = fs::is_regular_file(file(id, "signatures.json"), ec);
  s["has_projection"] = fs::is_regular_file(file(id, "projection.json"), ec);
  s["has_similarity"] = fs::is_regular_file(file(id, "similarity.json"), ec);
  s["has_concepts"] = fs::is_regular_file(file(id, "concepts.json"), ec);
  return s;
}

json RunStore::detail(const std::string& id) const {
  json s = summary(id);
  s["config"] = read_json_file(file(id, "config.json"));
  s["metrics"] = read_json_file(file(id, "metrics.json"));
  // Signatures can be large (per-neuron statistics); the page reads the file on demand
  // when it is not inline.
  s["signatures"] = read_json_file(file(id, "signatures.json"), 8u << 20);
  s["files"] = files(id);
  return s;
}

std::vector<std::string> RunStore::files(const std::string& id) const {
  std::string d = dir(id);
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(d, fs::directory_options::none, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it.depth() > 3) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string rel = fs::relative(it->path(), d, ec).generic_string();
    if (resolve_inside(d, rel)) out.push_back(rel);  // links out of the run are not its files
    if (out.size() >= 1000) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace glassbox::server
