#include "idx_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "glassbox/error.h"
#include "glassbox/file_input.h"

namespace glassbox::plugins {

namespace {

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile open_gz(const std::string& path) {
  // zlib gets the checked descriptor, so a FIFO swapped in after the check is never read.
  InputFile checked = open_regular_file(path, kMaxDataFileBytes, "IDX file");
  // zlib's input buffer (and its output buffer, twice as large): 256 KiB for a real
  // dataset, no more than the file needs for a small one.
  const auto buffer = static_cast<unsigned>(std::clamp<std::uint64_t>(checked.size(), 1u << 12, 1u << 18));
  const int fd = checked.release();
  GzFile f(gzdopen(fd, "rb"));
  if (!f) {
    ::close(fd);
    throw DataError(path + ": cannot open");
  }
  gzbuffer(f.get(), buffer);
  return f;
}

// Reads up to n bytes; returns how many were read. A corrupt gzip stream is an error; a
// stream that simply ends early returns a short count (the caller says what was missing).
std::size_t read_some(gzFile_s* f, const std::string& path, std::uint8_t* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<std::size_t>(n - done, 1u << 30));
    const int got = gzread(f, out + done, chunk);
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(f, &errnum);
      if (errnum == Z_BUF_ERROR) break;  // the stream ends early: a truncated file
      throw DataError(path + ": corrupt gzip data near uncompressed byte " + std::to_string(done) +
                      " (zlib: " + (msg ? msg : "unknown error") + ")");
    }
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  // zlib reports a gzip stream cut short as Z_BUF_ERROR after returning what it had.
  int errnum = 0;
  gzerror(f, &errnum);
  if (errnum == Z_BUF_ERROR && done < n) return done;
  if (errnum != Z_OK && errnum != Z_BUF_ERROR) {
    const char* msg = gzerror(f, &errnum);
    throw DataError(path + ": read error (zlib: " + (msg ? msg : "unknown") + ")");
  }
  return done;
}

const char* type_name(int t) {
  switch (t) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "unknown";
  }
}

IdxArray parse_header(gzFile_s* f, const std::string& path) {
  std::uint8_t magic[4];
  const std::size_t got = read_some(f, path, magic, 4);
  if (got < 4)
    throw DataError(path + ": truncated: the IDX magic number needs 4 bytes, the file has " +
                    std::to_string(got));
  if (magic[0] != 0 || magic[1] != 0) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%02X %02X", magic[0], magic[1]);
    std::string hint = magic[0] == 0x1f && magic[1] == 0x8b ? " (a gzip file inside a gzip file?)" : "";
    throw DataError(path + ": not an IDX file: wrong magic number at byte 0 (expected 00 00, got " +
                    hex + ")" + hint);
  }
  if (magic[2] != 0x08) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", magic[2]);
    throw DataError(path + ": IDX value type " + hex + " (" + type_name(magic[2]) +
                    ") at byte 2 is not supported (expected 0x08, unsigned byte)");
  }
  const int ndims = magic[3];
  if (ndims < 1 || ndims > 4)
    throw DataError(path + ": IDX header at byte 3 declares " + std::to_string(ndims) +
                    " dimensions (expected 1 to 4)");
  IdxArray a;
  for (int d = 0; d < ndims; ++d) {
    std::uint8_t b[4];
    if (read_some(f, path, b, 4) < 4)
      throw DataError(path + ": truncated: IDX header ends inside dimension " + std::to_string(d) +
                      " (byte " + std::to_string(4 + 4 * d) + ")");
    a.dims.push_back((std::size_t{b[0]} << 24) | (std::size_t{b[1]} << 16) | (std::size_t{b[2]} << 8) | b[3]);
    // Only the count may be 0: a sample of no values has no shape a model could take.
    if (d > 0 && a.dims.back() == 0)
      throw DataError(path + ": IDX header declares dimension " + std::to_string(d) + " as 0 at byte " +
                      std::to_string(4 + 4 * d) + " (only the count, dimension 0, may be 0)");
  }
  return a;
}

}  // namespace

IdxArray read_idx_header(const std::string& path) {
  GzFile f = open_gz(path);
  return parse_header(f.get(), path);
}

IdxArray read_idx(const std::string& path) {
  GzFile f = open_gz(path);
  IdxArray a = parse_header(f.get(), path);
  const std::size_t header_bytes = 4 + 4 * a.dims.size();
  // dims are < 2^32 each; refuse products that could not be a real file (> 64 GiB). The
  // sample dimensions (never 0) come first, so a count of 0 cannot hide a huge sample.
  std::size_t expected = 1;
  for (auto it = a.dims.rbegin(); it != a.dims.rend(); ++it) {
    const std::size_t d = *it;
    if (d != 0 && expected > (std::size_t{1} << 36) / d)
      throw DataError(path + ": IDX header declares an impossibly large array");
    expected *= d;
  }
  // Grow while reading, in chunks from 64 KiB doubling up to 16 MiB, so a lying header
  // cannot make us allocate (and zero) much more than the file holds.
  std::size_t have = 0;
  std::size_t chunk = std::size_t{1} << 16;
  while (have < expected) {
    const std::size_t want = std::min(expected - have, chunk);
    chunk = std::min(chunk * 2, std::size_t{1} << 24);
    a.values.resize(have + want);
    const std::size_t got = read_some(f.get(), path, a.values.data() + have, want);
    have += got;
    if (got < want) {
      std::string shape;
      for (std::size_t d : a.dims) shape += (shape.empty() ? "" : "x") + std::to_string(d);
      throw DataError(path + ": truncated at byte " + std::to_string(header_bytes + have) +
                      ": the header declares " + shape + " = " + std::to_string(expected) +
                      " values after byte " + std::to_string(header_bytes) + ", the file has " +
                      std::to_string(have));
    }
  }
  std::uint8_t extra;
  if (read_some(f.get(), path, &extra, 1) != 0)
    throw DataError(path + ": unexpected data after byte " + std::to_string(header_bytes + expected) +
                    " (the header declares " + std::to_string(expected) + " values)");
  return a;
}

IdxSamples read_idx_samples(const std::string& images_path, const std::string& labels_path) {
  IdxArray images = read_idx(images_path);
  if (images.dims.size() < 2)
    throw DataError(images_path + ": an IDX images file needs at least 2 dimensions (count, values...), "
                    "byte 3 declares " + std::to_string(images.dims.size()) + " (is this a labels file?)");
  IdxArray labels = read_idx(labels_path);
  if (labels.dims.size() != 1)
    throw DataError(labels_path + ": an IDX labels file has 1 dimension, byte 3 declares " +
                    std::to_string(labels.dims.size()) + " (is this an images file?)");
  if (images.dims[0] != labels.dims[0])
    throw DataError(images_path + " holds " + std::to_string(images.dims[0]) + " images but " + labels_path +
                    " holds " + std::to_string(labels.dims[0]) + " labels (count at byte 4 of each)");
  IdxSamples s;
  s.sample_dims.assign(images.dims.begin() + 1, images.dims.end());
  s.pixels = std::move(images.values);
  s.labels.assign(labels.values.begin(), labels.values.end());
  for (int l : s.labels) s.max_label = std::max(s.max_label, l);
  return s;
}

void check_idx_labels(const IdxSamples& s, const std::string& labels_path, std::size_t num_classes) {
  const std::size_t header_bytes = 8;  // magic + one dimension
  for (std::size_t i = 0; i < s.labels.size(); ++i)
    if (static_cast<std::size_t>(s.labels[i]) >= num_classes)
      throw DataError(labels_path + ": byte " + std::to_string(header_bytes + i) + ": label " +
                      std::to_string(s.labels[i]) + " of sample " + std::to_string(i) +
                      " is out of range (expected 0.." + std::to_string(num_classes - 1) + ")");
}

}  // namespace glassbox::plugins
