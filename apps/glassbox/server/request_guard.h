#pragma once
// What a request must show before any route sees it. The server runs on the user's
// machine with the user's rights, so a web page from anywhere must not drive it:
//   - Host must name this server (a loopback name, the --host address, or an
//     --allow-host name) with its port: 421 otherwise. A DNS-rebinding page reaches
//     127.0.0.1 under its own name, and this is where it is told apart.
//   - Origin, when the browser sends one, must be this server's own origin: 403
//     otherwise (cross-site form posts and fetches).
//   - A request body must be declared as application/json: 415 otherwise. text/plain and
//     form types are what a cross-site page may send without a CORS preflight.
//   - A body must come with a Content-Length within the limit: chunked or other
//     transfer codings are 411 (httplib 0.11 does not bound them), a larger length 413.
// A refused request closes its connection (its body is never read).
#include <atomic>
#include <string>
#include <vector>

#include <httplib.h>

namespace glassbox::server {

class RequestGuard {
 public:
  // host: the address the server listens on; extra: more names the server answers to
  // (a reverse proxy's name). A wildcard host (0.0.0.0, ::) adds this machine's
  // interface addresses and host name.
  RequestGuard(const std::string& host, const std::vector<std::string>& extra, std::size_t max_body_bytes);
  void set_port(int port) { port_ = port; }

  // The pre-routing handler: Handled (with a JSON error in res) for a refused request.
  httplib::Server::HandlerResponse operator()(const httplib::Request& req, httplib::Response& res) const;

  // "host[:port]" (Host header, or an Origin without its scheme) names this server.
  bool is_own_authority(const std::string& authority) const;
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;  // lower case, IPv6 in brackets, no port
  std::atomic<int> port_{0};
  std::size_t max_body_bytes_;
};

}  // namespace glassbox::server
