#include "glassbox/explain/signature_distances.h"

#include <cmath>

#include "glassbox/error.h"

namespace glassbox::explain {

namespace {
void check_sizes(std::size_t a, std::size_t b, const char* what) {
  if (a != b)
    throw Error(std::string(what) + ": vectors differ in length (" + std::to_string(a) + " vs " +
                std::to_string(b) + ")");
}
}  // namespace

double cosine_similarity(const std::vector<double>& a, const std::vector<double>& b) {
  check_sizes(a.size(), b.size(), "cosine_similarity");
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  if (aa <= 0 || bb <= 0) return 0.0;
  return ab / std::sqrt(aa * bb);
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
  check_sizes(a.size(), b.size(), "correlation");
  const std::size_t n = a.size();
  if (n == 0) return 0.0;
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) * (a[i] - ma);
    bb += (b[i] - mb) * (b[i] - mb);
  }
  if (aa <= 0 || bb <= 0) return 0.0;
  return ab / std::sqrt(aa * bb);
}

double euclidean_distance(const std::vector<double>& a, const std::vector<double>& b) {
  check_sizes(a.size(), b.size(), "euclidean_distance");
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

std::size_t hamming_distance(const BitPattern& a, const BitPattern& b) {
  check_sizes(a.bits(), b.bits(), "hamming_distance");
  std::size_t d = 0;
  for (std::size_t w = 0; w < a.words().size(); ++w)
    d += static_cast<std::size_t>(__builtin_popcountll(a.words()[w] ^ b.words()[w]));
  return d;
}

double jaccard_distance(const BitPattern& a, const BitPattern& b) {
  check_sizes(a.bits(), b.bits(), "jaccard_distance");
  std::size_t inter = 0, uni = 0;
  for (std::size_t w = 0; w < a.words().size(); ++w) {
    inter += static_cast<std::size_t>(__builtin_popcountll(a.words()[w] & b.words()[w]));
    uni += static_cast<std::size_t>(__builtin_popcountll(a.words()[w] | b.words()[w]));
  }
  if (uni == 0) return 0.0;
  return 1.0 - static_cast<double>(inter) / static_cast<double>(uni);
}

}  // namespace glassbox::explain
