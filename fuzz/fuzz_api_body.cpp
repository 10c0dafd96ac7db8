// What the server does with a POST before any training starts, without a socket: the
// request guard on the headers (part 1, "Name: value" lines), then for a request it lets
// through, the body (part 2) as the POST routes read it: parse_json_body (inspect,
// neuron) and, for POST /api/runs, parse_experiment + check_experiment_factories +
// check_data_paths. A refusal is an HttpError or a ConfigError (a 4xx); any other
// exception would be a 500 and is reported.
#include <sstream>

#include "fuzz_support.h"
#include "glassbox/error.h"
#include "glassbox/experiment.h"
#include "http_json.h"
#include "request_guard.h"
#include "web_server.h"

namespace gs = glassbox::server;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static gs::RequestGuard guard("127.0.0.1", {"glassbox.example"}, 1 << 20);
  guard.set_port(8080);
  const auto parts = gbfuzz::split_parts(data, size);
  httplib::Request req;
  req.method = "POST";
  req.path = "/api/runs";
  std::istringstream lines(parts[0]);
  for (std::string line; std::getline(lines, line);) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    req.headers.emplace(line.substr(0, colon), value);
  }
  if (parts.size() > 1) req.body = parts[1];
  httplib::Response res;
  if (guard(req, res) == httplib::Server::HandlerResponse::Handled) {
    if (res.status < 400 || res.status > 499) __builtin_trap();  // a refusal is a 4xx
    return 0;
  }
  try {
    (void)gs::parse_json_body(req);
    glassbox::Experiment e = glassbox::parse_experiment(req.body, "request");
    gs::check_experiment_factories(e.config, gbfuzz::registry(), "request");
    gs::check_data_paths(e.config, {gbfuzz::scratch_dir()}, "request");
  } catch (const gs::HttpError& e) {
    if (e.status() < 400 || e.status() > 499) __builtin_trap();
  } catch (const glassbox::ConfigError&) {
  }
  return 0;
}
