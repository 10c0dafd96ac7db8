// The sweeps of the runs folder (RunStore::sweeps): each sweep folder's sweep.json, as
// `glassbox sweep` wrote it, with the IDs under which this store serves its runs.
#include <algorithm>
#include <filesystem>

#include "path_safety.h"
#include "run_store.h"

namespace glassbox::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::size_t kMaxSweepJsonBytes = 4u << 20;  // 1,000 runs of a few hundred bytes each

// sweep.json of the folder `id` ("" for the runs folder itself, when `glassbox serve
// --runs` was given a sweep's folder), each run record given the ID of its run here (when
// its folder is one); a file that cannot be read gives {id, error}.
json read_sweep(const RunStore& store, const std::string& id) {
  const std::string folder = id.empty() ? store.root() : store.root() + "/" + id;
  json sweep = read_json_file(folder + "/sweep.json", kMaxSweepJsonBytes);
  if (!sweep.is_object() || sweep.contains("error") || !sweep.contains("runs") || !sweep["runs"].is_array())
    return {{"id", id}, {"error", sweep.is_object() && sweep.contains("error") ? sweep["error"]
                                                                              : json("sweep.json is not a sweep's comparison")}};
  for (auto& run : sweep["runs"]) {
    if (!run.is_object() || !run.contains("run") || !run["run"].is_string()) continue;
    const std::string run_id = (id.empty() ? "" : id + "/") + run["run"].get<std::string>();
    if (store.exists(run_id)) run["id"] = run_id;
  }
  sweep["id"] = id;
  return sweep;
}

}  // namespace

json RunStore::sweeps() const {
  std::vector<std::pair<fs::file_time_type, std::string>> found;
  std::error_code ec;
  for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!is_valid_run_id(name) || !is_sweep_folder(it->path().string())) continue;
    std::error_code time_ec;
    found.emplace_back(fs::last_write_time(it->path() / "sweep.json", time_ec), name);
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  json out = json::array();
  if (is_sweep_folder(root_)) out.push_back(read_sweep(*this, ""));
  for (const auto& f : found) out.push_back(read_sweep(*this, f.second));
  return out;
}

}  // namespace glassbox::server
