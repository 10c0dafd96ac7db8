// Runs: list, create (validate + queue), check without running (the dry run), read one
// (config, metrics, signatures, live progress), delete one, and read one of its files by
// a validated relative name.
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <vector>

#include "glassbox/experiment.h"
#include "glassbox/experiment_resources.h"
#include "glassbox/model_memory.h"
#include "path_safety.h"
#include "route_handler.h"
#include "web_server.h"

namespace glassbox::server {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kQueueFullRetrySeconds = 30;

std::string content_type_for(const std::string& name) {
  auto ext = fs::path(name).extension().string();
  if (ext == ".json") return "application/json";
  if (ext == ".png") return "image/png";
  if (ext == ".csv") return "text/csv";
  if (ext == ".txt" || ext == ".log" || ext == ".md") return "text/plain; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  return "application/octet-stream";  // .npy and anything else: download, never render
}

// Streams a file in 256 KiB pieces as the client takes them: a large file costs one piece
// of memory per connection, not its size, and a client that stops reading is dropped by
// the write-stall limit after at most one piece.
void send_file(httplib::Response& res, const fs::path& path, std::size_t size, const std::string& type) {
  auto in = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*in) throw HttpError(404, "file '" + path.filename().string() + "' cannot be opened");
  res.set_content_provider(size, type, [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
    std::vector<char> piece(std::min<std::size_t>(length, 256u << 10));
    in->seekg(std::streamoff(offset));
    in->read(piece.data(), std::streamsize(piece.size()));
    const auto got = std::size_t(in->gcount());
    if (got == 0) return false;  // the file shrank while it was being sent
    return sink.write(piece.data(), got);
  });
}

// A job of this server overrides the folder's idea of its state, error included: read
// from disk alone, a "running" status.json means an interrupted job (run_store.cpp), but
// while this server holds the job it is simply running.
void merge_job(json& summary, const json& job) {
  if (job.is_null()) return;
  summary["state"] = job["state"];
  summary.erase("error");
  if (job.contains("error")) summary["error"] = job["error"];
  summary["job"] = job;
}

// GET /api/runs, GET /api/sweeps, GET /api/runs/{id}, DELETE /api/runs/{id}.
void add_listing_routes(WebServer& s) {
  s.http.Get("/api/runs", json_route([&s](const httplib::Request&, httplib::Response& res) {
    json runs = json::array();
    for (const auto& id : s.runs.ids()) {
      json summary;
      try {
        summary = s.runs.summary(id);
      } catch (const HttpError&) {
        continue;  // removed while listing
      }
      merge_job(summary, s.jobs.snapshot(id, false));
      runs.push_back(summary);
    }
    send_json(res, {{"runs", runs}, {"runs_dir", s.runs.root()}});
  }));

  // The sweeps kept in the runs folder (RunStore::sweeps), each run with its ID here.
  s.http.Get("/api/sweeps", json_route([&s](const httplib::Request&, httplib::Response& res) {
    send_json(res, {{"sweeps", s.runs.sweeps()}});
  }));

  s.http.Get("/api/runs/" + kRunIdPattern, json_route([&s](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    json detail = s.runs.detail(id);
    merge_job(detail, s.jobs.snapshot(id, true));
    // Queued, or still loading its data: the job's folder has no config.json yet.
    if (detail["config"].is_null()) detail["config"] = s.jobs.submitted_config(id);
    send_json(res, detail);
  }));

  // Deletes a run's folder (its model, metrics and studies). A queued or running job
  // must be cancelled first (409): its folder is still being written.
  s.http.Delete("/api/runs/" + kRunIdPattern, json_route([&s](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const std::string dir = s.runs.dir(id);  // 400 for an invalid ID, 404 for an unknown run
    const json job = s.jobs.snapshot(id, false);
    if (!job.is_null() && (job["state"] == "queued" || job["state"] == "running"))
      throw HttpError(409, "run '" + id + "' is " + job["state"].get<std::string>() + ": cancel it first");
    s.inspector.forget(id);
    std::error_code ec;
    fs::remove_all(dir, ec);
    if (ec) throw HttpError(500, "could not delete run '" + id + "': " + ec.message());
    send_json(res, {{"id", id}, {"deleted", true}});
  }));
}

// POST /api/runs (queue an experiment) and POST /api/check (its dry run).
void add_submission_routes(WebServer& s) {
  s.http.Post("/api/runs", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    if (req.body.empty()) throw HttpError(400, "POST an experiment config (JSON) as the request body");
    // One parser and schema for the CLI and the web: parse_experiment.
    Experiment e = parse_experiment(req.body, "request");
    check_experiment_factories(e.config, s.registry, "request");
    check_data_paths(e.config, s.data_roots, "request");
    check_experiment_resources(e, s.registry);  // what the job would fail on: data, model size
    std::string id = s.runs.reserve(e.name());
    std::string dir = s.runs.root() + "/" + id;
    if (!s.jobs.submit(id, e.config, dir)) {
      std::error_code ec;
      fs::remove(dir, ec);
      // 429 with a hint when to try again: the page (or a script) can back off and retry.
      res.set_header("Retry-After", std::to_string(kQueueFullRetrySeconds));
      send_error(res, 429, "the queue is full (" + std::to_string(s.options.queue.max_waiting) +
                               " jobs waiting); retry later, or wait for a job to finish or cancel one");
      return;
    }
    send_json(res, {{"id", id}, {"state", "queued"}, {"job", s.jobs.snapshot(id, false)}}, 202);
  }));

  // The same checks as POST /api/runs plus the model's dry run, without queueing
  // anything: the builder's shape check before Run (as `glassbox run --check`). A config
  // that would be refused is this route's answer, not its failure: 200 {valid: false,
  // error} (the page asks as the user types and must not log a failed request each time).
  s.http.Post("/api/check", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    if (req.body.empty()) throw HttpError(400, "POST an experiment config (JSON) as the request body");
    try {
      Experiment e = parse_experiment(req.body, "request");
      check_experiment_factories(e.config, s.registry, "request");
      check_data_paths(e.config, s.data_roots, "request");
      // What POST /api/runs checks (check_experiment_resources), with the one model the
      // layer table is read from: the data's description (classes, validation split), the
      // layers built for its sample shape (errors name model.layers.N and the input shape),
      // then the training memory at train.batch_size.
      const DatasetInfo info = check_experiment_data(e, s.registry);
      // One dry run at a time: building allocates the parameters (a large dense layer can
      // take a gigabyte, within max_parameter_bytes), and the page checks as the user types.
      static std::mutex one_at_a_time;
      std::lock_guard<std::mutex> lock(one_at_a_time);
      MyDeepLearning model(s.registry, e.seed());
      json out = check_model_shapes(e, info, model);
      check_training_memory(model, experiment_batch_size(e), e.source);
      out["valid"] = true;
      out["name"] = e.name();
      send_json(res, out);
    } catch (const ConfigError& e) {
      send_json(res, {{"valid", false}, {"error", e.what()}});
    }
  }));
}

// GET /api/runs/{id}/files/{name}.
void add_file_route(WebServer& s) {
  s.http.Get("/api/runs/" + kRunIdPattern + "/files/(.+)", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1], name = req.matches[2];
    std::string dir = s.runs.dir(id);
    if (!is_valid_relative_name(name))
      throw HttpError(400, "invalid file name '" + name.substr(0, 200) +
                               "' (plain names and sub-folders only: letters, digits, . _ -)");
    auto path = resolve_inside(dir, name);
    if (!path || !fs::is_regular_file(*path)) throw HttpError(404, "run '" + id + "' has no file '" + name + "'");
    std::error_code ec;
    auto size = fs::file_size(*path, ec);
    if (ec || size > (512u << 20)) throw HttpError(413, "file '" + name + "' is too large to serve");
    send_file(res, *path, std::size_t(size), content_type_for(name));
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-cache");
  }));
}

}  // namespace

void add_run_routes(WebServer& s) {
  add_listing_routes(s);
  add_submission_routes(s);
  add_file_route(s);
}

}  // namespace glassbox::server
