#pragma once
// An in-process ReplicaGroup for tests without MPI: run_replicas(N, body) runs body on N
// threads, each with its own replica of one group. Every collective is an exchange: each
// replica posts its bytes, and when all have posted each gets every replica's, in rank
// order. Sums add in rank order (as an MPI implementation may, or may not).
#include <condition_variable>
#include <cstring>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "glassbox/replica_group.h"

namespace glassbox::testing {

class ThreadReplicas final : public ReplicaGroup {
 public:
  struct Hub {
    explicit Hub(int n) : size(n), posted(static_cast<std::size_t>(n)) {}
    int size;
    std::mutex m;
    std::condition_variable cv;
    int arrived = 0;
    unsigned long generation = 0;
    std::vector<std::string> posted, result;
  };
  ThreadReplicas(Hub& hub, int rank) : hub_(hub), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return hub_.size; }
  void sum(float* data, std::size_t count) override { add_up(data, count); }
  void sum(double* data, std::size_t count) override { add_up(data, count); }
  bool same_everywhere(std::uint64_t value) override {
    for (const auto& v : exchange(std::string(reinterpret_cast<const char*>(&value), sizeof value)))
      if (std::memcmp(v.data(), &value, sizeof value) != 0) return false;
    return true;
  }
  std::vector<std::string> all_gather(const std::string& text) override { return exchange(text); }
  std::vector<std::vector<float>> gather(const float* data, std::size_t count) override {
    const auto all = exchange(std::string(reinterpret_cast<const char*>(data), count * sizeof(float)));
    std::vector<std::vector<float>> out;
    if (rank_ != 0) return out;
    for (const auto& v : all) {
      out.emplace_back(v.size() / sizeof(float));
      std::memcpy(out.back().data(), v.data(), v.size());
    }
    return out;
  }

 private:
  std::vector<std::string> exchange(std::string bytes) {
    std::unique_lock<std::mutex> lock(hub_.m);
    const unsigned long generation = hub_.generation;
    hub_.posted[static_cast<std::size_t>(rank_)] = std::move(bytes);
    if (++hub_.arrived == hub_.size) {
      hub_.result = hub_.posted;
      hub_.arrived = 0;
      ++hub_.generation;
      hub_.cv.notify_all();
    } else {
      hub_.cv.wait(lock, [&] { return hub_.generation != generation; });
    }
    return hub_.result;
  }
  template <class T>
  void add_up(T* data, std::size_t count) {
    const auto all = exchange(std::string(reinterpret_cast<const char*>(data), count * sizeof(T)));
    std::vector<T> part(count);
    for (std::size_t i = 0; i < count; ++i) data[i] = 0;
    for (const auto& v : all) {
      std::memcpy(part.data(), v.data(), count * sizeof(T));
      for (std::size_t i = 0; i < count; ++i) data[i] += part[i];
    }
  }
  Hub& hub_;
  int rank_;
};

// Runs body(group) on `size` threads, one replica each; rethrows the first exception (a
// replica that throws leaves the others waiting: keep test bodies from throwing).
inline void run_replicas(int size, const std::function<void(ReplicaGroup&)>& body) {
  ThreadReplicas::Hub hub(size);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(size));
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r)
    threads.emplace_back([&, r] {
      ThreadReplicas group(hub, r);
      try {
        body(group);
      } catch (...) {
        errors[static_cast<std::size_t>(r)] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace glassbox::testing
