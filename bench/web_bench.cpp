// web_bench: the web interface's two performance promises, measured over real HTTP.
//   1. Activations + LRP for one input on the digits CNN: POST /api/runs/{id}/inspect
//      with relevance for every class, median and 95th percentile over repeated calls
//      (target < 100 ms).
//   2. Cost of live progress: the same training run through the server's job queue (with
//      its throttled SSE progress and a connected event stream) and directly through
//      run_experiment without callbacks (target < 5 % slower).
// Usage: web_bench [CONFIG.json] [--repeat N] [--epochs E]   (default:
// examples/digits-1-3.json, 3 epochs; needs the dataset installed).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

#include <httplib.h>

#include "experiment_job.h"
#include "experiment_runner.h"
#include "glassbox/experiment.h"
#include "glassbox/plugin_loader.h"
#include "web_server.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace glassbox;
using Clock = std::chrono::steady_clock;

static double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int main(int argc, char** argv) {
  std::string config_path = std::string(GLASSBOX_SOURCE_DIR) + "/examples/digits-1-3.json";
  int repeat = 50, epochs = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) repeat = std::stoi(argv[++i]);
    else if (a == "--epochs" && i + 1 < argc) epochs = std::stoi(argv[++i]);
    else config_path = a;
  }
  Registry registry;
  PluginSearch search;
  search.explicit_dirs = {GLASSBOX_BUILD_PLUGIN_DIR};
  load_plugins(registry, search);

  Experiment e = load_experiment(config_path, {"train.epochs=" + std::to_string(epochs)});
  for (const char* analysis : {"explain", "signatures", "similarity", "projection", "concepts"})
    e.config.erase(analysis);  // training cost only
  fs::path root = fs::temp_directory_path() / ("glassbox-web-bench-" + std::to_string(::getpid()));
  fs::remove_all(root);

  // Training directly, no progress callbacks.
  app::RunOptions direct;
  direct.out_dir = (root / "direct").string();
  auto t0 = Clock::now();
  app::run_experiment(e, registry, direct);
  double direct_s = seconds_since(t0);

  // The same run through the server, with an event stream open.
  server::ServerOptions opt;
  opt.port = 0;
  opt.runs_dir = (root / "runs").string();
  server::WebServer srv(registry, opt, server::experiment_job_runner(registry));
  int port = srv.start_in_background();
  httplib::Client cli("127.0.0.1", port);
  cli.set_read_timeout(600, 0);
  std::atomic<bool> stop{false};
  std::size_t events_bytes = 0;
  std::thread sse([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(600, 0);
    c.Get("/api/events", [&](const char*, size_t n) { events_bytes += n; return !stop; });
  });
  while (srv.events.subscribers() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto before = srv.events.published();
  t0 = Clock::now();
  auto posted = cli.Post("/api/runs", e.config.dump(), "application/json");
  if (!posted || posted->status != 202) {
    std::cerr << "web_bench: POST /api/runs failed: " << (posted ? posted->body : "no answer") << "\n";
    return 1;
  }
  std::string id = json::parse(posted->body)["id"];
  json job;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    job = json::parse(cli.Get(("/api/jobs/" + id).c_str())->body);
  } while (job["state"] == "queued" || job["state"] == "running");
  double served_s = std::chrono::duration<double>(job.value("finished", 0.0) - job.value("started", 0.0)).count();
  (void)t0;
  auto events = srv.events.published() - before;
  if (job["state"] != "done") {
    std::cerr << "web_bench: job " << job.dump() << "\n";
    return 1;
  }

  // Inspect + LRP on the trained model.
  std::vector<double> ms_act, ms_all;
  std::string inspect = "/api/runs/" + id + "/inspect";
  for (int i = 0; i < repeat + 3; ++i) {
    json body = {{"split", "test"}, {"index", i % 100}};
    auto a = Clock::now();
    auto r1 = cli.Post(inspect.c_str(), body.dump(), "application/json");
    double t_act = seconds_since(a) * 1e3;
    body["relevance"] = {{"composite", "epsilon-plus"}};
    a = Clock::now();
    auto r2 = cli.Post(inspect.c_str(), body.dump(), "application/json");
    double t_all = seconds_since(a) * 1e3;
    if (!r1 || r1->status != 200 || !r2 || r2->status != 200) {
      std::cerr << "web_bench: inspect failed: " << (r2 ? r2->body : "no answer") << "\n";
      return 1;
    }
    if (i >= 3) ms_act.push_back(t_act), ms_all.push_back(t_all);  // first calls load model and data
  }
  auto pct = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(q * (v.size() - 1) + 0.5))];
  };
  stop = true;
  srv.stop();
  sse.join();
  fs::remove_all(root);

  std::printf("experiment: %s (%d epochs)\n", config_path.c_str(), epochs);
  std::printf("inspect, activations only:         median %.1f ms, p95 %.1f ms (%d calls)\n", pct(ms_act, 0.5),
              pct(ms_act, 0.95), repeat);
  std::printf("inspect, activations + LRP (all classes): median %.1f ms, p95 %.1f ms\n", pct(ms_all, 0.5),
              pct(ms_all, 0.95));
  std::printf("training directly:                  %.2f s\n", direct_s);
  std::printf("training as a server job with SSE:  %.2f s (%+.1f %%), %llu events, %zu bytes streamed\n", served_s,
              100.0 * (served_s - direct_s) / direct_s, static_cast<unsigned long long>(events), events_bytes);
  return 0;
}
