#pragma once
// Similarity and distance between two activation signatures of the same layer: mean
// vectors (cosine, Pearson correlation, Euclidean) and binarized firing patterns
// (Hamming, Jaccard).
#include <cstddef>
#include <vector>

#include "glassbox/explain/bit_pattern.h"

namespace glassbox::explain {

// Cosine similarity; 0 when either vector is all zeros (no direction to compare).
double cosine_similarity(const std::vector<double>& a, const std::vector<double>& b);
// Pearson correlation across features; 0 when either vector is constant.
double correlation(const std::vector<double>& a, const std::vector<double>& b);
double euclidean_distance(const std::vector<double>& a, const std::vector<double>& b);

// Number of differing bits.
std::size_t hamming_distance(const BitPattern& a, const BitPattern& b);
// 1 - |a AND b| / |a OR b|; 0 when both are empty (identical empty sets).
double jaccard_distance(const BitPattern& a, const BitPattern& b);

}  // namespace glassbox::explain
