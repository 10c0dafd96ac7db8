#include "glassbox/file_input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "glassbox/error.h"

namespace glassbox {

namespace {

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a folder";
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  return "not a plain file";
}

}  // namespace

InputFile::InputFile(InputFile&& o) noexcept : fd_(o.fd_), path_(std::move(o.path_)), size_(o.size_) { o.fd_ = -1; }

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

int InputFile::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

std::size_t InputFile::read(void* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = ::read(fd_, static_cast<char*>(out) + done, n - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw DataError(path_ + ": read error (" + std::strerror(errno) + ")");
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  return done;
}

InputFile open_regular_file(const std::string& path, std::uint64_t max_bytes, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) throw DataError(path + ": cannot open " + what + " (" + std::strerror(errno) + ")");
  InputFile f(fd, path, 0);
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw DataError(path + ": cannot stat " + what + " (" + std::strerror(errno) + ")");
  if (!S_ISREG(st.st_mode))
    throw DataError(path + ": not a regular file (" + kind_of(st.st_mode) + "); expected a regular " + what);
  f.size_ = static_cast<std::uint64_t>(st.st_size);
  if (f.size_ > max_bytes)
    throw DataError(path + ": " + what + " of " + std::to_string(f.size_) + " bytes is larger than the limit of " +
                    std::to_string(max_bytes) + " bytes");
  // Blocking reads from here on: a regular file never blocks, and zlib/stdio expect it.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return f;
}

std::string read_regular_file(const std::string& path, std::uint64_t max_bytes, const std::string& what) {
  InputFile f = open_regular_file(path, max_bytes, what);
  std::string text(static_cast<std::size_t>(f.size()), '\0');
  text.resize(f.read(text.data(), text.size()));
  // A file that grows while read is refused rather than read without bound.
  char extra;
  if (f.read(&extra, 1) == 1) throw DataError(path + ": " + what + " changed size while being read");
  return text;
}

}  // namespace glassbox
