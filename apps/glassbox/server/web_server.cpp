#include "web_server.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "glassbox/error.h"
#include "http_json.h"

namespace glassbox::server {

WebServer::WebServer(Registry& reg, ServerOptions opts, JobRunner runner)
    : registry(reg),
      options(std::move(opts)),
      runs(options.runs_dir),
      events(options.max_event_streams),
      jobs(events, std::move(runner), options.queue),
      inspector(registry, runs),
      guard(options.host, options.allowed_hosts, options.max_body_bytes) {
  for (const auto& root : options.data_roots) {
    std::error_code ec;
    auto c = std::filesystem::canonical(root, ec);
    if (!ec && std::filesystem::is_directory(c, ec)) data_roots.push_back(c.string());
  }
  const std::size_t threads = options.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(options.max_body_bytes);
  ConnectionLimits limits;
  limits.request_read = options.request_timeout;
  limits.write_stall = options.write_stall;
  limits.max_request_bytes = options.max_body_bytes + (64u << 10);
  http.set_connection_limits(limits);
  http.set_keep_alive_max_count(limits.keep_alive_requests);  // what the Keep-Alive header announces
  http.set_keep_alive_timeout(5);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return guard(req, res); });
  // Every error leaves as JSON, including the library's own (404 for an unknown path,
  // 413 for a body over the limit) whose body would otherwise be empty.
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string msg = res.status == 404 ? "no such resource: " + req.method + " " + req.path
                      : res.status == 413 ? "request body too large"
                                          : std::string(status_reason(res.status));
    send_error(res, res.status, msg);
  });
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string msg = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      msg = e.what();
    } catch (...) {
    }
    send_error(res, 500, msg);
  });
  install_routes();
}

WebServer::~WebServer() { stop(); }

void WebServer::install_routes() {
  add_registry_routes(*this);
  add_run_routes(*this);
  add_job_routes(*this);
  add_event_routes(*this);
  add_inspect_routes(*this);
  add_static_routes(*this);
}

int WebServer::bind() {
  if (options.port == 0) {
    port_ = http.bind_to_any_port(options.host);
    if (port_ < 0) throw Error("cannot listen on " + options.host + " (no free port)");
  } else {
    if (!http.bind_to_port(options.host, options.port)) {
      const int err = errno;
      throw Error("cannot listen on " + options.host + ":" + std::to_string(options.port) + " (" +
                  (err == EADDRINUSE ? std::string("address in use: another server is on this port")
                                     : std::string("address not available: ") + std::strerror(err)) +
                  "; try another --port)");
    }
    port_ = options.port;
  }
  http.raise_backlog(1024);
  guard.set_port(port_);
  return port_;
}

void WebServer::listen() { http.listen_after_bind(); }

int WebServer::start_in_background() {
  int p = bind();
  background_ = std::thread([this] { listen(); });
  return p;
}

void WebServer::request_stop() {
  events.close();  // ends the open event streams so the pool's threads can finish
  jobs.stop_soon();
  http.stop();
  http.stop_connections();  // wakes connections waiting for a slow or idle client
}

void WebServer::stop() {
  request_stop();
  if (background_.joinable()) background_.join();
  jobs.shutdown();
}

std::string WebServer::url() const {
  std::string host = options.host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "http://" + host + ":" + std::to_string(port_) + "/";
}

}  // namespace glassbox::server
