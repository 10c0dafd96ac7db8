#pragma once
// The web interface's HTTP server: the page's static files and the JSON API over the
// same engine as the command line (registry, experiment parser, training pipeline,
// explain library). Routes live in one file per concept (routes_*.cpp).
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "event_hub.h"
#include "glassbox/dataset.h"
#include "glassbox/experiment.h"
#include "glassbox/model.h"
#include "glassbox/registry.h"
#include "guarded_server.h"
#include "inspector.h"
#include "job_queue.h"
#include "request_guard.h"
#include "run_store.h"

namespace glassbox::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0: any free port
  std::string runs_dir = "runs";
  std::string web_dir;                   // the page; empty: API only
  std::string examples_dir;              // experiment files offered as presets (optional)
  std::size_t max_body_bytes = 1 << 20;  // larger request bodies get 413
  std::size_t threads = 64;              // each open connection holds one while it is served
  std::size_t max_event_streams = 12;    // one more evicts the oldest (EventSource reconnects)
  std::chrono::seconds event_stream_lifetime{600};  // then the stream ends and the page reconnects
  std::chrono::milliseconds request_timeout{10000};  // to read one request's headers and body
  std::chrono::milliseconds write_stall{10000};      // a client taking no bytes this long is dropped
  std::vector<std::string> allowed_hosts;            // more names for the Host check (a proxy)
  // Folders a submitted experiment may read data from (data.path, data.images, ...);
  // empty: no dataset that names files can be submitted.
  std::vector<std::string> data_roots;
  QueueLimits queue;
};

class WebServer {
 public:
  WebServer(Registry& registry, ServerOptions options, JobRunner runner);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds the socket; returns the port. Throws Error when the address is taken.
  int bind();
  // Serves until stop(); call after bind().
  void listen();
  // bind() + listen() on a background thread (tests, benchmarks).
  int start_in_background();
  void stop();
  // From any thread but a handler's: stops listening, ends the event streams, asks the
  // running job to cancel and wakes every connection; listen() then returns. Does not wait.
  void request_stop();
  int port() const { return port_; }
  std::string url() const;

  // Shared with the route files.
  Registry& registry;
  const ServerOptions options;
  RunStore runs;
  EventHub events;
  JobQueue jobs;
  Inspector inspector;
  RequestGuard guard;
  std::vector<std::string> data_roots;  // canonical, existing folders of options.data_roots
  GuardedServer http;

 private:
  void install_routes();
  int port_ = 0;
  std::thread background_;
};

// Route groups, one file each.
void add_registry_routes(WebServer& s);   // /api/registry, /api/datasets, /api/examples
void add_run_routes(WebServer& s);        // /api/runs, /api/runs/{id}, files
void add_job_routes(WebServer& s);        // /api/jobs, cancel
void add_event_routes(WebServer& s);      // /api/events (Server-Sent Events)
void add_inspect_routes(WebServer& s);    // inspect, samples, neuron
void add_static_routes(WebServer& s);     // the page

// Every value of the data section (or data.options) that names a file or folder must
// resolve, symbolic links followed, to a regular file or a folder inside one of `roots`
// (canonical paths). Throws ConfigError naming the key; a path outside the roots is
// reported as outside, nothing more (not whether it exists, not its content).
void check_data_paths(const nlohmann::json& config, const std::vector<std::string>& roots,
                      const std::string& source);

// Checks that an experiment can run here: its dataset, layer types and options (each
// layer is constructed once), optimizer; and sane sizes for a shared server. Throws
// ConfigError naming the key.
void check_experiment_factories(const nlohmann::json& config, const Registry& registry,
                                const std::string& source);

// The dry run of an experiment that passed the checks above: `model` (empty, made with the
// experiment's seed) gets its layers and is built for the sample shape of `info` (the
// data's description; nothing is loaded or trained), so the caller can check its training
// memory next. Returns {"input_shape", "layers": [{"index", "name", "type", "input_shape",
// "output_shape", "params"} (+ "inputs" in a graph)], "output_shape", "params"}. Throws
// ConfigError naming model.layers.N (its name and input shape) for a layer that does not
// fit (a graph's node by build()'s message), or the dataset when it is not installed.
nlohmann::json check_model_shapes(const Experiment& e, const DatasetInfo& info, MyDeepLearning& model);

}  // namespace glassbox::server
