#pragma once
// Opening the files glassbox reads (.npy, IDX, CSV, PNG, model.json, experiment files):
// only regular files, and only up to a size limit per kind of file. A FIFO or a device
// would otherwise block the reader forever or feed it without end (/dev/zero).
#include <cstdint>
#include <string>

namespace glassbox {

// Size limits per kind of file (docs/datasets.md lists them).
constexpr std::uint64_t kMaxJsonFileBytes = 64ull << 20;     // model.json, experiment files, composites
constexpr std::uint64_t kMaxCsvFileBytes = 1ull << 30;       // CSV datasets
constexpr std::uint64_t kMaxPngFileBytes = 256ull << 20;     // PNG inputs
constexpr std::uint64_t kMaxPngPixels = 1ull << 26;          // PNG width x height (64 Mpixel)
constexpr std::uint64_t kMaxDataFileBytes = 64ull << 30;     // .npy and IDX files (their headers bound them further)

// An open, checked input file. Move-only; closes its descriptor.
class InputFile {
 public:
  InputFile(InputFile&& o) noexcept;
  InputFile& operator=(InputFile&&) = delete;
  InputFile(const InputFile&) = delete;
  ~InputFile();
  const std::string& path() const { return path_; }
  std::uint64_t size() const { return size_; }  // the size fstat reported when opened
  // Reads up to n bytes at the current position, retrying short reads; returns how many
  // were read (fewer only at the end of the file). Throws DataError on a read error.
  std::size_t read(void* out, std::size_t n);
  // Hands the descriptor over (for gzdopen / fdopen); this object no longer closes it.
  int release();

 private:
  friend InputFile open_regular_file(const std::string&, std::uint64_t, const std::string&);
  InputFile(int fd, std::string path, std::uint64_t size) : fd_(fd), path_(std::move(path)), size_(size) {}
  int fd_;
  std::string path_;
  std::uint64_t size_;
};

// Opens `path` read-only without blocking (O_NONBLOCK, so a FIFO with no writer does not
// wait), checks with fstat that it is a regular file of at most max_bytes, then clears
// O_NONBLOCK. `what` names the kind of file in messages ("CSV file", "model file").
// Throws DataError starting with the path: "<path>: cannot open <what> (<reason>)",
// "<path>: not a regular file (a FIFO); expected a regular <what>", "<path>: <what> of N
// bytes is larger than the limit of M bytes".
InputFile open_regular_file(const std::string& path, std::uint64_t max_bytes, const std::string& what);

// The whole content of a regular file of at most max_bytes (errors as above).
std::string read_regular_file(const std::string& path, std::uint64_t max_bytes, const std::string& what);

}  // namespace glassbox
