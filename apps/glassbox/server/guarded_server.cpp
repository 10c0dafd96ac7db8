#include "guarded_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace glassbox::server {

namespace {

using Clock = std::chrono::steady_clock;

thread_local bool t_close_after_request = false;

// Waits for `events` on the socket; false on time-out, error or hang-up without data.
bool wait_socket(socket_t sock, short events, std::chrono::milliseconds timeout) {
  pollfd p{sock, events, 0};
  while (true) {
    int r = ::poll(&p, 1, int(std::max<long long>(0, timeout.count())));
    if (r < 0 && errno == EINTR) continue;
    return r > 0 && (p.revents & (events | POLLHUP | POLLERR));
  }
}

void ip_and_port(socket_t sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int r = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
               : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  if (r != 0) return;
  char host[NI_MAXHOST] = {0}, serv[NI_MAXSERV] = {0};
  if (::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(serv);
  }
}

// One connection's byte stream with the limits of ConnectionLimits. Reads are buffered
// (httplib reads header lines one byte at a time) and the buffer lives as long as the
// connection, so pipelined requests are not lost between requests.
class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(socket_t sock, const ConnectionLimits& limits) : sock_(sock), limits_(limits) {}

  // Waits for the first byte of the next request, then starts its deadline and budget.
  bool next_request() {
    if (pos_ == len_ && !wait_socket(sock_, POLLIN, limits_.keep_alive_idle)) return false;
    deadline_ = Clock::now() + limits_.request_read;
    budget_ = limits_.max_request_bytes;
    return true;
  }

  // The last request ran out of time or bytes: the connection must close (httplib would
  // answer 400 and read on).
  bool cut_off() const { return cut_off_; }

  bool is_readable() const override { return pos_ < len_ || wait_socket(sock_, POLLIN, left()); }
  bool is_writable() const override { return wait_socket(sock_, POLLOUT, limits_.write_stall); }

  ssize_t read(char* ptr, size_t size) override {
    if (pos_ == len_) {
      // Past the deadline or the budget the request is cut off: the connection closes.
      if (budget_ == 0 || left().count() <= 0 || !wait_socket(sock_, POLLIN, left())) {
        cut_off_ = true;
        return -1;
      }
      ssize_t n;
      do n = ::recv(sock_, buf_, std::min(sizeof buf_, budget_), 0);
      while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      budget_ -= std::size_t(n);
      pos_ = 0;
      len_ = std::size_t(n);
    }
    std::size_t k = std::min(size, len_ - pos_);
    std::memcpy(ptr, buf_ + pos_, k);
    pos_ += k;
    return ssize_t(k);
  }

  // Writes everything or fails: a client that takes nothing for write_stall is dropped.
  ssize_t write(const char* ptr, size_t size) override {
    std::size_t done = 0;
    while (done < size) {
      ssize_t n = ::send(sock_, ptr + done, size - done, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        done += std::size_t(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!wait_socket(sock_, POLLOUT, limits_.write_stall)) return -1;
      } else {
        return -1;
      }
    }
    return ssize_t(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { ip_and_port(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { ip_and_port(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  std::chrono::milliseconds left() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  }

  socket_t sock_;
  const ConnectionLimits& limits_;
  Clock::time_point deadline_ = Clock::now();
  std::size_t budget_ = 0;
  bool cut_off_ = false;
  char buf_[4096];
  std::size_t pos_ = 0, len_ = 0;
};

// After a refused request whose body was never read: closing at once would reset the
// connection (unread data) and the client could lose the answer before reading it. So
// the sending side is closed first and what the client still sends is read and dropped,
// for at most 2 s and 8 MB.
void linger_close(socket_t sock) {
  ::shutdown(sock, SHUT_WR);
  const auto until = Clock::now() + std::chrono::seconds(2);
  std::size_t drained = 0;
  char sink[16384];
  while (drained < (8u << 20)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0 || !wait_socket(sock, POLLIN, left)) break;
    ssize_t n = ::recv(sock, sink, sizeof sink, 0);
    if (n <= 0) break;
    drained += std::size_t(n);
  }
}

}  // namespace

void close_after_this_request() { t_close_after_request = true; }

GuardedServer::GuardedServer() {
  set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  // Without it a keep-alive client waits for the delayed ACK (~40 ms) on every response.
  set_tcp_nodelay(true);
}

void GuardedServer::raise_backlog(int backlog) {
  // httplib listens with a backlog of 5; listening again on the bound socket raises it.
  socket_t s = svr_sock_;
  if (s != INVALID_SOCKET) ::listen(s, backlog);
}

bool GuardedServer::add_connection(socket_t sock) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) return false;
  open_.insert(sock);
  return true;
}

void GuardedServer::remove_connection(socket_t sock) {
  // Under the mutex, before close(): stop_connections never shuts down a reused number.
  std::lock_guard<std::mutex> lock(mutex_);
  open_.erase(sock);
}

void GuardedServer::stop_connections() {
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  for (socket_t s : open_) ::shutdown(s, SHUT_RDWR);
}

std::size_t GuardedServer::open_connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_.size();
}

bool GuardedServer::process_and_close_socket(socket_t sock) {
  bool ok = false;
  if (add_connection(sock)) {
    int one = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    DeadlineStream strm(sock, limits_);
    t_close_after_request = false;
    for (std::size_t n = 1; n <= limits_.keep_alive_requests; ++n) {
      if (svr_sock_ == INVALID_SOCKET || !strm.next_request()) break;
      bool closed = false;
      ok = process_request(strm, n == limits_.keep_alive_requests, closed, nullptr);
      if (!ok || closed || t_close_after_request || strm.cut_off()) break;
    }
    if (t_close_after_request) linger_close(sock);
    t_close_after_request = false;
    remove_connection(sock);
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ok;
}

}  // namespace glassbox::server
