#pragma once
// Wraps a route so every failure becomes a JSON error: HttpError keeps its status, a
// ConfigError (bad experiment, unknown plugin name) is 400, any other exception is 500
// and the server goes on.
#include <functional>
#include <string>

#include <httplib.h>

#include "glassbox/error.h"
#include "http_json.h"

namespace glassbox::server {

// A run ID in a route's pattern (one capture): a folder name, or "<sweep>/run-<i>" for a
// sweep's run (path_safety.h checks it before any use). A client sends the '/' as is or
// as %2F; the server decodes the path before matching.
inline const std::string kRunIdPattern = R"(([^/]+(?:/run-[0-9]+)?))";

inline httplib::Server::Handler json_route(std::function<void(const httplib::Request&, httplib::Response&)> fn) {
  return [fn = std::move(fn)](const httplib::Request& req, httplib::Response& res) {
    try {
      fn(req, res);
    } catch (const HttpError& e) {
      send_error(res, e.status(), e.what());
    } catch (const ConfigError& e) {
      send_error(res, 400, e.what());
    } catch (const std::bad_alloc&) {
      send_error(res, 503, "out of memory while answering this request");
    } catch (const std::exception& e) {
      send_error(res, 500, e.what());
    }
  };
}

}  // namespace glassbox::server
