#pragma once
// Names that come from a URL never reach the file system unchecked: a run ID is one
// plain folder name, a file name is a relative path of plain components, and the
// resolved file must still lie inside its run folder (symbolic links included).
#include <optional>
#include <string>

namespace glassbox::server {

// [A-Za-z0-9][A-Za-z0-9._-]{0,127}, and no "..".
bool is_valid_run_id(const std::string& id);
// "metrics.json", "model/model.json": components as above, '/' between them, at most 8
// levels, no empty or dot-leading component.
bool is_valid_relative_name(const std::string& name);
// base/name when it is valid and its canonical path stays inside base's canonical path
// and exists; nothing otherwise.
std::optional<std::string> resolve_inside(const std::string& base, const std::string& name);

// A run ID made from an experiment name: unsafe characters become '-', trimmed to 64.
std::string sanitize_id(const std::string& name);

}  // namespace glassbox::server
