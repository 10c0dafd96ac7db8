#pragma once
// Server-Sent Events fan-out. Producers (the job queue) publish named events with a JSON
// payload; each open /api/events connection is a subscriber with its own bounded queue,
// so a slow browser tab drops old progress events instead of slowing training.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace glassbox::server {

class EventHub {
 public:
  class Subscription {
   public:
    // Waits up to `timeout` for events; returns them formatted as SSE text (possibly
    // empty on time-out or when the hub closes).
    std::string wait(std::chrono::milliseconds timeout);
    bool closed() const;

   private:
    friend class EventHub;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::string> queue_;
    bool closed_ = false;
    std::size_t dropped_ = 0;
  };

  explicit EventHub(std::size_t max_subscribers = 16, std::size_t queue_limit = 256);
  ~EventHub();

  // A new subscriber; when the limit is reached the oldest one is closed and dropped to
  // make room (an abandoned tab, or a client that stopped reading, must not lock the
  // page out; a live EventSource reconnects by itself). Nothing once the hub is closed.
  std::shared_ptr<Subscription> subscribe();
  void unsubscribe(const std::shared_ptr<Subscription>& s);
  void publish(const std::string& event, const nlohmann::json& data);
  // Wakes every subscriber and makes further waits return at once (server shutdown).
  void close();

  std::size_t subscribers() const;
  std::uint64_t published() const;
  std::uint64_t evicted() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Subscription>> subs_;
  std::size_t max_subscribers_, queue_limit_;
  std::uint64_t next_id_ = 1;
  std::uint64_t evicted_ = 0;
  bool closed_ = false;
};

}  // namespace glassbox::server
