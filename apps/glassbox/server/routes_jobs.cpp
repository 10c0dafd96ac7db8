// The queue as seen by the page: list, one job, cancel (queued: dropped; running: asked
// to stop between batches).
#include "route_handler.h"
#include "web_server.h"

namespace glassbox::server {

using nlohmann::json;

void add_job_routes(WebServer& s) {
  s.http.Get("/api/jobs", json_route([&s](const httplib::Request&, httplib::Response& res) {
    send_json(res, {{"jobs", s.jobs.list()}});
  }));

  s.http.Get(R"(/api/jobs/([^/]+))", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    json j = s.jobs.snapshot(req.matches[1], true);
    if (j.is_null()) throw HttpError(404, "no job '" + std::string(req.matches[1]).substr(0, 140) + "'");
    send_json(res, j);
  }));

  s.http.Post(R"(/api/jobs/([^/]+)/cancel)", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    switch (s.jobs.cancel(id)) {
      case JobQueue::CancelResult::unknown:
        throw HttpError(404, "no job '" + id.substr(0, 140) + "'");
      case JobQueue::CancelResult::already_finished:
        throw HttpError(409, "job '" + id + "' has already finished");
      case JobQueue::CancelResult::cancelled:
        break;
    }
    send_json(res, {{"id", id}, {"cancel_requested", true}, {"job", s.jobs.snapshot(id, false)}});
  }));
}

}  // namespace glassbox::server
