#include "data_folder.h"

#include <sys/stat.h>

#include <cstdlib>

namespace glassbox::plugins {

std::vector<std::string> data_folders() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("GLASSBOX_DATA_DIR"); env && *env) out.emplace_back(env);
  out.emplace_back(GLASSBOX_SOURCE_DATA_DIR);
  out.emplace_back(GLASSBOX_INSTALL_DATA_DIR);
  return out;
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string find_in_data_folders(const std::string& relative) {
  for (const auto& dir : data_folders())
    if (file_exists(dir + "/" + relative)) return dir;
  return "";
}

}  // namespace glassbox::plugins
