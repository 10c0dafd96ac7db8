#pragma once
// Names that come from a URL never reach the file system unchecked: a run ID is one
// plain folder name (or a sweep's folder name and one of its run folders), a file name is a relative path of plain components, and the
// resolved file must still lie inside its run folder (symbolic links included).
#include <optional>
#include <string>

namespace glassbox::server {

// [A-Za-z0-9][A-Za-z0-9._-]{0,127}, and no "..": a folder of the runs folder; or such a
// name, '/', and a sweep's run folder ("lr-sweep-20261202-181500/run-3"): run i of a sweep
// kept in the runs folder (`glassbox sweep --out RUNS/NAME`).
bool is_valid_run_id(const std::string& id);
// "run-<i>": the folder name `glassbox sweep` gives its i-th run (i of 1 to 6 digits).
bool is_sweep_run_name(const std::string& name);
// "metrics.json", "model/model.json": components as above, '/' between them, at most 8
// levels, no empty or dot-leading component.
bool is_valid_relative_name(const std::string& name);
// base/name when it is valid and its canonical path stays inside base's canonical path
// and exists; nothing otherwise.
std::optional<std::string> resolve_inside(const std::string& base, const std::string& name);

// A folder itself, not a symbolic link to one (a link would serve whatever it points to).
bool is_real_directory(const std::string& path);
// A folder that `glassbox sweep` wrote: a real folder holding a regular sweep.json.
bool is_sweep_folder(const std::string& path);

// A run ID made from an experiment name: unsafe characters become '-', trimmed to 64.
std::string sanitize_id(const std::string& name);

}  // namespace glassbox::server
