#pragma once
// The web API tests' server: started in-process on a free loopback port with a temporary
// runs folder, the real plugins and the real experiment pipeline (with a few test-only
// job behaviours keyed by the experiment's name), driven by httplib::Client.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include <httplib.h>

#include "experiment_job.h"
#include "glassbox/plugin_loader.h"
#include "web_server.h"

namespace webtest {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace glassbox;
using namespace glassbox::server;

// A tiny experiment on the synthetic dataset (patch position = class): trains in well
// under a second. Classes 0 and 1 are seen; 2 and 3 form the unseen set.
inline json tiny_experiment(const std::string& name = "tiny") {
  json e = json::parse(R"({
    "seed": 3,
    "data": {"dataset": "synthetic", "classes": [0, 1], "validation_split": 0.2,
             "options": {"num_classes": 4, "samples": 240, "test_samples": 80}},
    "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 8, "activation": "relu"},
                         {"type": "dense", "units": 2}]},
    "train": {"epochs": 2, "batch_size": 16, "optimizer": {"type": "adam", "learning_rate": 0.01}}
  })");
  e["name"] = name;
  return e;
}

// Test-only behaviours keyed by the experiment's name; everything else runs for real.
inline JobRunner test_runner(Registry& reg) {
  JobRunner real = experiment_job_runner(reg);
  return [real](JobContext& job) {
    const std::string name = job.config.value("name", "");
    if (name == "crash") throw std::runtime_error("simulated failure inside a job");
    if (name == "slow") {
      while (!*job.cancel) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return;
    }
    if (name == "burst") {  // many fast batches: the queue must throttle their events
      for (int e = 1; e <= 2; ++e) {
        for (std::size_t b = 1; b <= 20000; ++b) {
          BatchLog log;
          log.epoch = e, log.batch = b, log.batches = 20000, log.loss = 1.0 / b, log.accuracy = 0.5;
          job.progress->on_batch(log);
        }
        EpochLog el;
        el.epoch = e, el.loss = 0.5, el.accuracy = 0.75;
        job.progress->on_epoch(el);
      }
      return;
    }
    real(job);
  };
}

struct Fixture {
  Registry registry;
  fs::path runs;
  std::unique_ptr<WebServer> server;
  std::unique_ptr<httplib::Client> client;

  // tweak: changes to the server's options before it starts (limits, data roots).
  explicit Fixture(const std::function<void(ServerOptions&)>& tweak = {}) {
    PluginSearch search;
    search.explicit_dirs = {GLASSBOX_TEST_PLUGIN_DIR};
    search.use_environment = false;
    search.use_default_dirs = false;
    load_plugins(registry, search);
    runs = fs::temp_directory_path() / ("glassbox-web-test-" + std::to_string(::getpid()));
    fs::remove_all(runs);
    ServerOptions o;
    o.port = 0;
    o.runs_dir = runs.string();
    o.web_dir = std::string(GLASSBOX_SOURCE_DIR) + "/apps/web";
    if (tweak) tweak(o);
    server = std::make_unique<WebServer>(registry, o, test_runner(registry));
    int port = server->start_in_background();
    client = std::make_unique<httplib::Client>("127.0.0.1", port);
    client->set_read_timeout(30, 0);
    for (int i = 0; i < 200 && !client->Get("/api/jobs"); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~Fixture() {
    server->stop();
    fs::remove_all(runs);
  }

  json get(const std::string& path, int expect = 200) {
    auto r = client->Get(path.c_str());
    BOOST_REQUIRE_MESSAGE(r, "no answer for GET " + path);
    BOOST_CHECK_MESSAGE(r->status == expect, "GET " + path + ": " + std::to_string(r->status) + " " + r->body);
    return json::parse(r->body);
  }
  json post(const std::string& path, const std::string& body, int expect) {
    auto r = client->Post(path.c_str(), body, "application/json");
    BOOST_REQUIRE_MESSAGE(r, "no answer for POST " + path);
    BOOST_CHECK_MESSAGE(r->status == expect, "POST " + path + ": " + std::to_string(r->status) + " " + r->body);
    return json::parse(r->body);
  }
  // Polls until the job leaves queued/running.
  json wait_for(const std::string& id, double seconds = 120) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
      json j = get("/api/jobs/" + id);
      if (j["state"] != "queued" && j["state"] != "running") return j;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_FAIL("job " + id + " did not finish");
    return {};
  }
  std::string submit(const json& experiment) { return post("/api/runs", experiment.dump(), 202)["id"]; }
};

// One trained run shared by the inspection tests (training it once keeps the suite fast).
struct TrainedRun : Fixture {
  std::string id;
  TrainedRun() {
    id = submit(tiny_experiment());
    json j = wait_for(id);
    BOOST_REQUIRE_MESSAGE(j["state"] == "done", j.dump());
  }
};

}  // namespace webtest
