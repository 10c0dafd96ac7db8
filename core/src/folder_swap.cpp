#include "glassbox/folder_swap.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2 (glibc >= 2.28)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "glassbox/error.h"

namespace glassbox {

namespace fs = std::filesystem;

namespace {

void fsync_one(const fs::path& p, bool is_dir) {
  const int fd = ::open(p.c_str(), (is_dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) throw Error(p.string() + ": cannot open to sync (" + std::strerror(errno) + ")");
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) throw Error(p.string() + ": fsync failed (" + std::strerror(err) + ")");
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Exchanges two existing paths atomically; false where the kernel or file system cannot.
bool exchange(const fs::path& a, const fs::path& b) {
#ifdef RENAME_EXCHANGE
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return true;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    throw Error(b.string() + ": cannot swap in the new folder (" + std::strerror(errno) + ")");
#endif
  return false;
}

}  // namespace

std::string staging_folder(const std::string& target) { return target + ".tmp"; }

bool is_temporary_name(const std::string& name) {
  if (ends_with(name, ".tmp")) return name.size() > 4;
  const auto at = name.rfind(".tmp.");
  if (at == std::string::npos || at == 0 || at + 5 == name.size()) return false;
  return name.find_first_not_of("0123456789", at + 5) == std::string::npos;
}

std::string folder_path(const std::string& dir) {
  fs::path p(dir);
  while (p.has_parent_path() && p.filename().empty() && p != p.root_path()) p = p.parent_path();
  if (p.filename() == "." || p.filename() == "..") p = fs::absolute(p).lexically_normal();
  while (p.has_parent_path() && p.filename().empty() && p != p.root_path()) p = p.parent_path();
  return p.string();
}

void fsync_tree(const std::string& dir) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto st = it->symlink_status(ec);
    if (fs::is_regular_file(st)) fsync_one(it->path(), false);
    else if (fs::is_directory(st)) fsync_one(it->path(), true);
  }
  if (ec) throw Error(dir + ": cannot list the folder to sync it (" + ec.message() + ")");
  fsync_one(dir, true);
}

void fsync_parent(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  fsync_one(parent, true);
}

void swap_folder_into_place(const std::string& staged, const std::string& target) {
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(target, ec))) {
    fs::rename(staged, target, ec);
    if (ec) throw Error(target + ": cannot move the new folder into place (" + ec.message() + ")");
    fsync_parent(target);
    return;
  }
  if (exchange(staged, target)) {
    fsync_parent(target);
    fs::remove_all(staged, ec);  // the old content; a crash here only leaves "<target>.tmp"
    return;
  }
  const std::string old = target + ".old";
  fs::remove_all(old, ec);
  fs::rename(target, old, ec);
  if (ec) throw Error(target + ": cannot move the existing folder aside (" + ec.message() + ")");
  fs::rename(staged, target, ec);
  if (ec) throw Error(target + ": cannot move the new folder into place (" + ec.message() + ")");
  fsync_parent(target);
  fs::remove_all(old, ec);
}

bool is_complete_results_folder(const std::string& dir) {
  std::error_code ec;
  fs::path p(dir);
  if (p.filename().empty()) p = p.parent_path();
  if (is_temporary_name(p.filename().string()) || !fs::is_directory(p, ec)) return false;
  if (fs::exists(p / kIncompleteMarker, ec)) return false;
  return fs::is_regular_file(p / "config.json", ec) && fs::is_regular_file(p / "metrics.json", ec);
}

}  // namespace glassbox
