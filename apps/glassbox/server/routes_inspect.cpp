// Looking inside a trained run: one input's activations and relevance (binary), the
// images of a split (binary), one neuron over the test set (JSON).
#include <sstream>

#include "route_handler.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

namespace {

std::vector<std::size_t> parse_indices(const std::string& text) {
  std::vector<std::size_t> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || item[0] == '-')
      throw HttpError(400, "'indices' must be comma-separated non-negative integers, got '" + item + "'");
    out.push_back(v);
    if (out.size() > 1024) throw HttpError(400, "at most 1024 indices per request");
  }
  return out;
}

// The request's options are read with typed checks that name the key; a value of a type
// no check foresaw still gets a 400 about the request instead of a 500.
template <class F>
auto typed(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const nlohmann::json::type_error& e) {
    throw HttpError(400, std::string("a value in the request has the wrong type (") + e.what() + ")");
  }
}

void send_packed(httplib::Response& res, std::string body) {
  res.set_content(std::move(body), "application/octet-stream");
  res.set_header("Cache-Control", "no-store");
}

}  // namespace

void add_inspect_routes(WebServer& s) {
  s.http.Post("/api/runs/" + kRunIdPattern + "/inspect", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    json request = parse_json_body(req);
    send_packed(res, typed([&] { return s.inspector.inspect(req.matches[1], request); }));
  }));

  s.http.Get("/api/runs/" + kRunIdPattern + "/samples", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    std::string split = req.has_param("split") ? req.get_param_value("split") : "test";
    std::size_t offset = query_int(req, "offset", 0, 0, 100000000);
    std::size_t count = query_int(req, "count", 64, 1, 1024);
    std::vector<std::size_t> indices;
    if (req.has_param("indices")) indices = parse_indices(req.get_param_value("indices"));
    send_packed(res, s.inspector.samples(req.matches[1], split, offset, count, indices));
  }));

  s.http.Post("/api/runs/" + kRunIdPattern + "/neuron", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    json request = parse_json_body(req);
    send_json(res, typed([&] { return s.inspector.neuron(req.matches[1], request); }));
  }));
}

}  // namespace glassbox::server
