#include "request_guard.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>

#include "guarded_server.h"
#include "http_json.h"

namespace glassbox::server {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "::1" -> "[::1]": the form an IPv6 address takes in Host and Origin.
std::string authority_name(const std::string& host) {
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + lower(host) + "]";
  return lower(host);
}

// The addresses of this machine's interfaces and its host name, for a server that
// listens on every interface.
std::vector<std::string> local_names() {
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) == 0) {
    for (ifaddrs* a = list; a; a = a->ifa_next) {
      if (!a->ifa_addr) continue;
      char buf[INET6_ADDRSTRLEN] = {0};
      if (a->ifa_addr->sa_family == AF_INET)
        ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, buf, sizeof buf);
      else if (a->ifa_addr->sa_family == AF_INET6)
        ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr, buf, sizeof buf);
      if (*buf) out.push_back(authority_name(buf));
    }
    ::freeifaddrs(list);
  }
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) == 0 && *name) out.push_back(lower(name));
  return out;
}

bool has_body(const httplib::Request& req) {
  return req.has_header("Transfer-Encoding") ||
         (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
}

httplib::Server::HandlerResponse refuse(httplib::Response& res, int status, const std::string& message) {
  send_error(res, status, message);
  close_after_this_request();
  return httplib::Server::HandlerResponse::Handled;
}

}  // namespace

RequestGuard::RequestGuard(const std::string& host, const std::vector<std::string>& extra, std::size_t max_body_bytes)
    : names_{"localhost", "127.0.0.1", "[::1]"}, max_body_bytes_(max_body_bytes) {
  names_.push_back(authority_name(host));
  for (const auto& e : extra) names_.push_back(authority_name(e));
  if (host == "0.0.0.0" || host == "::" || host.empty())
    for (const auto& n : local_names()) names_.push_back(n);
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());
}

bool RequestGuard::is_own_authority(const std::string& authority) const {
  std::string a = lower(authority);
  std::string name = a, port = "80";  // no port in Host means http's default
  std::size_t colon = a.rfind(':');
  if (colon != std::string::npos && a.find(']', colon) == std::string::npos) {
    name = a.substr(0, colon);
    port = a.substr(colon + 1);
  }
  if (port != std::to_string(port_.load())) return false;
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

httplib::Server::HandlerResponse RequestGuard::operator()(const httplib::Request& req, httplib::Response& res) const {
  const std::string host = req.get_header_value("Host");
  if (!is_own_authority(host))
    return refuse(res, 421, "this server does not answer to Host '" + host.substr(0, 100) +
                                "' (it answers to localhost, its address, or an --allow-host name, with port " +
                                std::to_string(port_.load()) + ")");
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    const std::string scheme = "http://";
    if (lower(origin).rfind(scheme, 0) != 0 || !is_own_authority(origin.substr(scheme.size())))
      return refuse(res, 403, "requests from another site are refused (Origin '" + origin.substr(0, 100) + "')");
  }
  if (!has_body(req)) return httplib::Server::HandlerResponse::Unhandled;
  if (req.has_header("Transfer-Encoding"))
    return refuse(res, 411, "send the request body with a Content-Length (Transfer-Encoding is not accepted)");
  std::string type = lower(req.get_header_value("Content-Type"));
  type = type.substr(0, type.find(';'));
  type.erase(std::remove(type.begin(), type.end(), ' '), type.end());
  if (type != "application/json")
    return refuse(res, 415, "the request body must be sent as Content-Type: application/json, got '" +
                                req.get_header_value("Content-Type").substr(0, 100) + "'");
  const std::string length = req.get_header_value("Content-Length");
  if (length.empty() || length.find_first_not_of("0123456789") != std::string::npos)
    return refuse(res, 400, "malformed Content-Length '" + length.substr(0, 40) + "'");
  if (length.size() > 18 || length.find_first_not_of("0123456789") != std::string::npos ||
      std::stoull(length) > max_body_bytes_)
    return refuse(res, 413, "request body too large (the limit is " + std::to_string(max_body_bytes_) + " bytes)");
  return httplib::Server::HandlerResponse::Unhandled;
}

}  // namespace glassbox::server
