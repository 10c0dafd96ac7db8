#pragma once
// httplib::Server with connection handling that holds up on a shared machine: httplib's
// own loop gives each read its own time-out, so a client sending one header byte every
// few seconds holds a pool thread forever (slowloris), and a client that stops reading
// an event stream blocks its thread in send(). Here every connection gets
//   - a deadline for reading one request (request line, headers and body together),
//   - a cap on the bytes one request may send (the body limit plus room for headers),
//   - a write stall limit: a write that cannot progress for that long drops the client,
//   - an idle limit between keep-alive requests,
// and stop_connections() wakes every connection at shutdown. The listening socket gets
// SO_REUSEADDR only (never SO_REUSEPORT: a second server on the port must fail, not
// share it) and a backlog of 1024 instead of the library's 5.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <set>

#include <httplib.h>

namespace glassbox::server {

struct ConnectionLimits {
  std::chrono::milliseconds request_read{10000};  // whole request, first byte to last
  std::chrono::milliseconds write_stall{10000};   // no progress on a write for this long
  std::chrono::milliseconds keep_alive_idle{5000};
  std::size_t max_request_bytes = (1u << 20) + (64u << 10);
  std::size_t keep_alive_requests = 100;
};

// Called from a handler on the connection's thread: the connection closes after this
// response (a refused request's body is never read, so the stream cannot go on).
void close_after_this_request();

class GuardedServer : public httplib::Server {
 public:
  GuardedServer();
  void set_connection_limits(const ConnectionLimits& limits) { limits_ = limits; }
  const ConnectionLimits& connection_limits() const { return limits_; }

  // Call after bind_to_port / bind_to_any_port succeeded: raises the listen backlog.
  void raise_backlog(int backlog = 1024);
  // Shuts down every open connection and refuses new ones (after stop()).
  void stop_connections();
  std::size_t open_connections() const;

 private:
  bool process_and_close_socket(socket_t sock) override;
  bool add_connection(socket_t sock);
  void remove_connection(socket_t sock);

  ConnectionLimits limits_;
  mutable std::mutex mutex_;
  std::set<socket_t> open_;
  bool stopping_ = false;
};

}  // namespace glassbox::server
