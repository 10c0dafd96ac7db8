#pragma once
// ReplicaGroup: the processes that run one computation together (data-parallel training,
// sharded analyses), each holding a full copy of the model. The core library only sees this
// interface; the driver implements it with MPI (apps/glassbox/mpi/, built when MPI is found),
// so nothing here names MPI.
//
// Every member except rank() and size() is collective: all replicas call it in the same
// order with the same `count`, or the group deadlocks.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace glassbox {

class ReplicaGroup {
 public:
  virtual ~ReplicaGroup() = default;
  // This process's index in 0..size()-1; replica 0 writes results and prints.
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // ensures: data[i] is the sum of every replica's data[i] on every replica. Float sums
  // are taken in an order the implementation picks (not the order of one process).
  virtual void sum(float* data, std::size_t count) = 0;
  virtual void sum(double* data, std::size_t count) = 0;
  // True on every replica when every replica passed the same value.
  virtual bool same_everywhere(std::uint64_t value) = 0;
  // Every replica's `text`, in rank order, on every replica.
  virtual std::vector<std::string> all_gather(const std::string& text) = 0;
  // Every replica's `count` floats (the counts may differ, 0 included), in rank order, on
  // replica 0; the others get an empty list. Error when the total passes 2^31 - 1 floats.
  virtual std::vector<std::vector<float>> gather(const float* data, std::size_t count) = 0;
};

// The rows [begin, end) of a batch of n that replica `rank` of `size` takes: contiguous
// shards, the first n % size replicas one row longer. A replica may get none (n < size).
struct Shard {
  std::size_t begin = 0, end = 0;
  std::size_t size() const { return end - begin; }
};
inline Shard shard_of(std::size_t n, int rank, int size) {
  const std::size_t r = static_cast<std::size_t>(rank), s = static_cast<std::size_t>(size);
  const std::size_t base = n / s, extra = n % s;
  const std::size_t begin = r * base + (r < extra ? r : extra);
  return {begin, begin + base + (r < extra ? 1 : 0)};
}

// True when `group` splits work; null or a group of one runs as one process.
inline bool sharded(const ReplicaGroup* group) { return group && group->size() > 1; }
// This replica's shard of n items; the whole [0, n) without a sharded group.
inline Shard shard_for(std::size_t n, const ReplicaGroup* group) {
  return sharded(group) ? shard_of(n, group->rank(), group->size()) : Shard{0, n};
}
// On replica 0 (or alone): every replica's rows concatenated in rank order, which for
// shards of shard_of is the order of the whole set; elsewhere empty.
inline std::vector<float> gather_in_order(ReplicaGroup* group, std::vector<float> rows) {
  if (!sharded(group)) return rows;
  std::vector<float> all;
  for (auto& part : group->gather(rows.data(), rows.size())) all.insert(all.end(), part.begin(), part.end());
  return all;
}

// A 64-bit FNV-1a hash of a float buffer's bytes, folded into `h`: equal parameters give
// equal hashes (the replicas' epoch-end check).
inline std::uint64_t hash_floats(const float* data, std::size_t count, std::uint64_t h = 1469598103934665603ULL) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < count * sizeof(float); ++i) h = (h ^ bytes[i]) * 1099511628211ULL;
  return h;
}

}  // namespace glassbox
