#include "event_hub.h"

#include <algorithm>

namespace glassbox::server {

std::string EventHub::Subscription::wait(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  ready_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty(); });
  std::string out;
  if (dropped_) {
    // The page reloads the run's state when it sees this.
    out += "event: dropped\ndata: {\"count\":" + std::to_string(dropped_) + "}\n\n";
    dropped_ = 0;
  }
  for (auto& e : queue_) out += e;
  queue_.clear();
  return out;
}

bool EventHub::Subscription::closed() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return closed_;
}

EventHub::EventHub(std::size_t max_subscribers, std::size_t queue_limit)
    : max_subscribers_(max_subscribers), queue_limit_(queue_limit) {}

EventHub::~EventHub() { close(); }

std::shared_ptr<EventHub::Subscription> EventHub::subscribe() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return nullptr;
  while (!subs_.empty() && subs_.size() >= max_subscribers_) {
    auto oldest = subs_.front();  // subs_ is in subscription order
    {
      std::lock_guard<std::mutex> sl(oldest->mutex_);
      oldest->closed_ = true;
    }
    oldest->ready_.notify_all();
    subs_.erase(subs_.begin());
    ++evicted_;
  }
  subs_.push_back(std::make_shared<Subscription>());
  return subs_.back();
}

void EventHub::unsubscribe(const std::shared_ptr<Subscription>& s) {
  std::lock_guard<std::mutex> lock(mutex_);
  subs_.erase(std::remove(subs_.begin(), subs_.end(), s), subs_.end());
}

void EventHub::publish(const std::string& event, const nlohmann::json& data) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  std::string text = "id: " + std::to_string(next_id_++) + "\nevent: " + event + "\ndata: " +
                     data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
  for (auto& s : subs_) {
    {
      std::lock_guard<std::mutex> sl(s->mutex_);
      if (s->queue_.size() >= queue_limit_) {
        s->queue_.pop_front();
        ++s->dropped_;
      }
      s->queue_.push_back(text);
    }
    s->ready_.notify_one();
  }
}

void EventHub::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  for (auto& s : subs_) {
    {
      std::lock_guard<std::mutex> sl(s->mutex_);
      s->closed_ = true;
    }
    s->ready_.notify_all();
  }
}

std::size_t EventHub::subscribers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return subs_.size();
}

std::uint64_t EventHub::evicted() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return evicted_;
}

std::uint64_t EventHub::published() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_id_ - 1;
}

}  // namespace glassbox::server
