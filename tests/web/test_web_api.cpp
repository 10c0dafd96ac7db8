// The web API, end to end over HTTP: a server started in-process on a free loopback port
// with a temporary runs folder, the real plugins and the real experiment pipeline, driven
// by httplib::Client. Bad inputs (malformed JSON, unknown layer, huge body, "../" paths,
// unknown jobs) must get JSON errors and leave the server running.
#define BOOST_TEST_MODULE web_api
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>

#include "glassbox/experiment_data.h"
#include "glassbox/model.h"
#include "tensor_pack.h"
#include "web_fixture.h"

using namespace webtest;

BOOST_FIXTURE_TEST_SUITE(api, Fixture)

BOOST_AUTO_TEST_CASE(registry_lists_layers_optimizers_datasets_with_parameter_schemas) {
  json r = get("/api/registry");
  bool dense = false;
  for (const auto& l : r["layers"])
    if (l["name"] == "dense") dense = l["parameters"].contains("units");
  BOOST_CHECK(dense);
  bool adam = false;
  for (const auto& o : r["optimizers"]) adam |= o["name"] == "adam";
  BOOST_CHECK(adam);
  BOOST_CHECK(r["relevance"]["method"] == "lrp");
}

BOOST_AUTO_TEST_CASE(datasets_describe_the_synthetic_source) {
  json d = get("/api/datasets");
  bool found = false;
  for (const auto& ds : d["datasets"])
    if (ds["name"] == "synthetic") {
      found = true;
      BOOST_CHECK_EQUAL(ds["sample_shape"], json::parse("[1, 28, 28]"));
      BOOST_CHECK(ds["available"].get<bool>());
    }
  BOOST_CHECK(found);
}

BOOST_AUTO_TEST_CASE(malformed_json_is_a_400_naming_line_and_column) {
  json e = post("/api/runs", "{\n  \"name\": \"x\",\n  oops\n}", 400);
  BOOST_CHECK_EQUAL(e["status"], 400);
  BOOST_CHECK_MESSAGE(e["error"].get<std::string>().find("line 3") != std::string::npos, e.dump());
}

BOOST_AUTO_TEST_CASE(unknown_layer_type_is_a_400_listing_the_known_ones) {
  json x = tiny_experiment();
  x["model"]["layers"][1]["type"] = "quantum_dense";
  json e = post("/api/runs", x.dump(), 400);
  std::string msg = e["error"];
  BOOST_CHECK_MESSAGE(msg.find("model.layers.1") != std::string::npos, msg);
  BOOST_CHECK_MESSAGE(msg.find("quantum_dense") != std::string::npos, msg);
  BOOST_CHECK_MESSAGE(msg.find("dense") != std::string::npos, msg);
}

BOOST_AUTO_TEST_CASE(bad_layer_option_unknown_key_and_bad_sizes_are_400) {
  json x = tiny_experiment();
  x["model"]["layers"][1]["unitz"] = 3;  // typo caught by the layer's factory
  BOOST_CHECK(post("/api/runs", x.dump(), 400)["error"].get<std::string>().find("unitz") != std::string::npos);
  json y = tiny_experiment();
  y["train"]["epoch"] = 3;  // typo caught by the experiment schema
  BOOST_CHECK(post("/api/runs", y.dump(), 400)["error"].get<std::string>().find("epochs") != std::string::npos);
  json z = tiny_experiment();
  z["train"]["epochs"] = 0;
  BOOST_CHECK(post("/api/runs", z.dump(), 400)["error"].get<std::string>().find("train.epochs") != std::string::npos);
  json w = tiny_experiment();
  w["data"]["dataset"] = "no-such-data";
  BOOST_CHECK(post("/api/runs", w.dump(), 400)["error"].get<std::string>().find("no-such-data") != std::string::npos);
  post("/api/runs", "[1, 2]", 400);
  post("/api/runs", "", 400);
  // Nothing was queued by any of these.
  BOOST_CHECK_EQUAL(get("/api/jobs")["jobs"].size(), 0u);
}

// The builder's dry run: shapes and parameter counts by hand for the tiny experiment
// (synthetic samples are 1x28x28): flatten 784; dense 784*8 + 8 = 6280; dense 8*2 + 2 = 18.
BOOST_AUTO_TEST_CASE(check_prints_each_layers_output_shape_and_parameters_and_queues_nothing) {
  json c = post("/api/check", tiny_experiment("dry").dump(), 200);
  BOOST_CHECK(c["valid"].get<bool>());
  BOOST_CHECK_EQUAL(c["name"], "dry");
  BOOST_CHECK_EQUAL(c["input_shape"], json::parse("[1, 28, 28]"));
  BOOST_REQUIRE_EQUAL(c["layers"].size(), 3u);
  const char* shapes[] = {"[784]", "[8]", "[2]"};
  const std::size_t params[] = {0, 6280, 18};
  for (std::size_t i = 0; i < 3; ++i) {
    BOOST_CHECK_EQUAL(c["layers"][i]["output_shape"], json::parse(shapes[i]));
    BOOST_CHECK_EQUAL(c["layers"][i]["params"].get<std::size_t>(), params[i]);
    BOOST_CHECK_EQUAL(c["layers"][i]["index"].get<std::size_t>(), i);
  }
  BOOST_CHECK_EQUAL(c["layers"][1]["name"].get<std::string>().rfind("dense", 0), 0u);
  BOOST_CHECK_EQUAL(c["layers"][1]["input_shape"], json::parse("[784]"));
  BOOST_CHECK_EQUAL(c["params"].get<std::size_t>(), 6298u);
  BOOST_CHECK_EQUAL(c["output_shape"], json::parse("[2]"));
  // A conv layer after the flatten gets a flat input: refused at that layer, with its input shape.
  json x = tiny_experiment("dry-bad");
  const json conv = json::parse(R"({"type": "conv2d", "filters": 4, "kernel_size": 3})");
  x["model"]["layers"].insert(x["model"]["layers"].begin() + 1, conv);
  json refused = post("/api/check", x.dump(), 200);
  BOOST_CHECK(!refused["valid"].get<bool>());
  std::string msg = refused["error"];
  BOOST_CHECK_MESSAGE(msg.find("model.layers.1") != std::string::npos, msg);
  BOOST_CHECK_MESSAGE(msg.find("(784)") != std::string::npos || msg.find("784") != std::string::npos, msg);
  // The same checks as a submission: an unknown option, an unknown dataset, broken JSON
  // (a refused config is the answer, 200 {valid: false, error}; only an empty body is a 400).
  json y = tiny_experiment("dry-typo");
  y["model"]["layers"][1]["unitz"] = 3;
  BOOST_CHECK(post("/api/check", y.dump(), 200)["error"].get<std::string>().find("unitz") != std::string::npos);
  json z = tiny_experiment("dry-data");
  z["data"]["dataset"] = "no-such-data";
  BOOST_CHECK(post("/api/check", z.dump(), 200)["error"].get<std::string>().find("no-such-data") != std::string::npos);
  BOOST_CHECK(post("/api/check", "{\"name\": ", 200)["error"].get<std::string>().find("line 1") != std::string::npos);
  post("/api/check", "", 400);
  // A dense layer too large for the parameter budget is refused before it allocates.
  json big = tiny_experiment("dry-big");
  big["model"]["layers"][1]["units"] = 1000000000;
  std::string too_big = post("/api/check", big.dump(), 200)["error"];
  BOOST_CHECK_MESSAGE(too_big.find("model.layers.1") != std::string::npos, too_big);
  // A graph (a skip connection joined by add): each node's shapes follow from its inputs,
  // which its row lists. Parameters by hand: 784*8 + 8 = 6280, 8*8 + 8 = 72, 8*2 + 2 = 18.
  json graph = tiny_experiment("dry-graph");
  graph["model"]["layers"] = json::parse(R"([{"type": "flatten", "name": "f"},
      {"type": "dense", "name": "a", "units": 8, "activation": "relu"},
      {"type": "dense", "name": "b", "units": 8},
      {"type": "add", "name": "s", "inputs": ["b", "a"]},
      {"type": "dense", "name": "out", "units": 2}])");
  json g = post("/api/check", graph.dump(), 200);
  BOOST_REQUIRE_MESSAGE(g["valid"].get<bool>(), g.dump());
  BOOST_REQUIRE_EQUAL(g["layers"].size(), 5u);
  BOOST_CHECK_EQUAL(g["layers"][3]["inputs"], json::parse(R"(["b", "a"])"));
  BOOST_CHECK_EQUAL(g["layers"][3]["output_shape"], json::parse("[8]"));
  BOOST_CHECK_EQUAL(g["layers"][4]["inputs"], json::parse(R"(["s"])"));
  BOOST_CHECK_EQUAL(g["params"].get<std::size_t>(), 6370u);
  graph["model"]["layers"][3]["inputs"] = json::parse(R"(["b", "nowhere"])");
  const std::string unknown = post("/api/check", graph.dump(), 200)["error"];
  BOOST_CHECK_MESSAGE(unknown.find("nowhere") != std::string::npos, unknown);
  // Nothing was queued and no run folder was made.
  BOOST_CHECK_EQUAL(get("/api/jobs")["jobs"].size(), 0u);
  BOOST_CHECK_EQUAL(get("/api/runs")["runs"].size(), 0u);
}

BOOST_AUTO_TEST_CASE(a_finished_run_can_be_deleted_a_running_one_not) {
  std::string id = submit(tiny_experiment("to-delete"));
  BOOST_REQUIRE_EQUAL(wait_for(id)["state"], "done");
  BOOST_REQUIRE(fs::exists(runs / id / "metrics.json"));
  auto r = client->Delete(("/api/runs/" + id).c_str());
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->status, 200);
  BOOST_CHECK(json::parse(r->body)["deleted"].get<bool>());
  BOOST_CHECK(!fs::exists(runs / id));
  get("/api/runs/" + id, 404);
  BOOST_CHECK_EQUAL(get("/api/runs")["runs"].size(), 0u);
  auto again = client->Delete(("/api/runs/" + id).c_str());
  BOOST_REQUIRE(again);
  BOOST_CHECK_EQUAL(again->status, 404);
  auto bad = client->Delete("/api/runs/..");
  BOOST_REQUIRE(bad);
  BOOST_CHECK_EQUAL(bad->status, 400);
  // A running or queued job's folder is refused until it is cancelled.
  std::string running = submit(tiny_experiment("slow"));  // trains until cancelled
  std::string queued = submit(tiny_experiment("queued-delete"));
  for (const std::string& busy : {running, queued}) {
    auto refused = client->Delete(("/api/runs/" + busy).c_str());
    BOOST_REQUIRE(refused);
    BOOST_CHECK_EQUAL(refused->status, 409);
    BOOST_CHECK(json::parse(refused->body)["error"].get<std::string>().find("cancel it first") != std::string::npos);
    BOOST_CHECK(fs::exists(runs / busy));
  }
  post("/api/jobs/" + queued + "/cancel", "", 200);
  post("/api/jobs/" + running + "/cancel", "", 200);
  wait_for(running);
}

// What a job would fail on is refused at submit: a model too large for the memory limit
// (parameters, or activations at the batch size), a validation split that leaves an empty
// split. The sizes are worked out by hand (float32 parameters with their gradients; per
// layer and sample its output and input gradient) for the synthetic 1x28x28 images.
BOOST_AUTO_TEST_CASE(a_model_over_the_memory_limit_or_an_empty_split_is_a_400_at_submit) {
  // Each refusal also comes from the builder's dry run, with the same message (after its
  // layer table is made: the parameter limit's message there names model.layers.N).
  auto error = [&](const json& x) {
    const std::string submitted = post("/api/runs", x.dump(), 400)["error"].get<std::string>();
    const json checked = post("/api/check", x.dump(), 200);
    BOOST_CHECK(!checked["valid"].get<bool>());
    if (x["model"]["layers"].size() < 2 || x["model"]["layers"][1].value("units", 0) < 1000000)
      BOOST_CHECK_EQUAL(checked["error"].get<std::string>(), submitted);
    return submitted;
  };
  json x = tiny_experiment();
  x["model"]["layers"][1]["units"] = 1000000000;
  std::string m = error(x);
  BOOST_CHECK_MESSAGE(m.find("request: model.layers: layer 1 'dense_1' (dense) cannot take input of shape (784,)") == 0,
                      m);
  BOOST_CHECK_MESSAGE(m.find("a weight of shape (784, 1000000000) needs 5841.3 GiB with its gradient, over the limit "
                             "of 2.0 GiB for the model (GLASSBOX_MAX_MODEL_BYTES raises it)") != std::string::npos, m);
  // A conv2d of 16 filters (same padding), flatten, dense 2: per sample 4 bytes * ((12544 +
  // 784) + (12544 + 12544) + (2 + 12544)) = 203848 bytes, at 16384 samples 3.1 GiB, of which
  // flatten's 100352 * 16384 = 1.5 GiB; parameters (16*9 + 16 + 12544*2 + 2) * 8 = 202000 bytes.
  json y = tiny_experiment();
  y["model"]["layers"] = json::parse(R"([{"type": "conv2d", "filters": 16, "kernel_size": 3, "padding": "same"},
                                          {"type": "flatten"}, {"type": "dense", "units": 2}])");
  y["train"]["batch_size"] = 16384;
  m = error(y);
  BOOST_CHECK_EQUAL(m, "request: train.batch_size: at batch size 16384 training needs 3.1 GiB (parameters 202000 "
                       "bytes, activations 3.1 GiB; the largest, model.layers.1 'flatten_1' (flatten) with output "
                       "(12544,), 1.5 GiB), over the limit of 2.0 GiB (GLASSBOX_MAX_MODEL_BYTES raises it); a smaller "
                       "batch size needs less");
  // 240 samples (at most: two of the four classes are used): 0.001 of them is no sample.
  json z = tiny_experiment();
  z["data"]["validation_split"] = 0.001;
  BOOST_CHECK_EQUAL(error(z), "request: data.validation_split: 0.001000 of at most 240 training samples leaves an "
                              "empty split");
  z["data"].erase("classes");
  z["data"]["limit"] = 100;
  z["data"]["validation_split"] = 0.996;  // 99.6 of 100 held out: none kept
  BOOST_CHECK_EQUAL(error(z), "request: data.validation_split: 0.996000 of 100 training samples leaves an empty split");
  json c = tiny_experiment();
  c["data"]["classes"] = {0, 7};
  m = error(c);
  BOOST_CHECK_MESSAGE(m.find("request: data.classes: class 7 does not exist") == 0, m);
  BOOST_CHECK_EQUAL(get("/api/jobs")["jobs"].size(), 0u);
  BOOST_CHECK(!fs::exists(runs) || fs::is_empty(runs));
  // Just inside: the same model at batch size 16 is accepted and trains.
  BOOST_CHECK_MESSAGE(wait_for(submit(tiny_experiment()))["state"] == "done", "the tiny experiment trains");
}

BOOST_AUTO_TEST_CASE(huge_body_is_a_413_with_a_json_error_and_the_server_stays_up) {
  std::string body = "{\"name\": \"" + std::string(2u << 20, 'x') + "\"}";
  auto r = client->Post("/api/runs", body, "application/json");
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->status, 413);
  BOOST_CHECK_EQUAL(json::parse(r->body)["status"], 413);
  get("/api/registry");
}

BOOST_AUTO_TEST_CASE(path_traversal_and_invalid_ids_never_reach_the_file_system) {
  fs::create_directories(runs / "ok");
  std::ofstream(runs / "ok" / "config.json") << "{\"name\": \"ok\"}";
  std::ofstream(runs / "secret.txt") << "outside any run";
  get("/api/runs/ok/files/config.json");
  for (const char* path : {"/api/runs/ok/files/../secret.txt", "/api/runs/ok/files/..%2Fsecret.txt",
                           "/api/runs/ok/files/%2e%2e/secret.txt", "/api/runs/ok/files/.hidden",
                           "/api/runs/ok/files//etc/passwd", "/api/runs/..%2F..%2Fetc/files/passwd",
                           "/api/runs/../secret.txt", "/api/runs/ok/files/a\\..\\..\\secret.txt"}) {
    auto r = client->Get(path);
    BOOST_REQUIRE(r);
    BOOST_CHECK_MESSAGE(r->status == 400 || r->status == 404, std::string(path) + " -> " + std::to_string(r->status));
    BOOST_CHECK_MESSAGE(r->body.find("outside any run") == std::string::npos, path);
    BOOST_CHECK_NO_THROW(json::parse(r->body));
  }
  // A symbolic link inside a run that points outside is refused too.
  fs::create_symlink(runs / "secret.txt", runs / "ok" / "link.txt");
  get("/api/runs/ok/files/link.txt", 404);
  get("/api/runs/nope", 404);
  get("/api/runs/..", 400);
}

BOOST_AUTO_TEST_CASE(a_file_of_several_pieces_downloads_byte_exact_and_by_range) {
  // 600 KiB + 7 bytes: three pieces of the server's 256 KiB streaming, the last one short.
  std::string bytes((600u << 10) + 7, '\0');
  std::uint32_t x = 12345;
  for (auto& b : bytes) b = char((x = x * 1664525u + 1013904223u) >> 24);
  fs::create_directories(runs / "ok");
  std::ofstream(runs / "ok" / "w.npy", std::ios::binary) << bytes;
  auto r = client->Get("/api/runs/ok/files/w.npy");
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->status, 200);
  BOOST_CHECK_EQUAL(r->get_header_value("Content-Type"), "application/octet-stream");
  BOOST_CHECK_EQUAL(r->body.size(), bytes.size());
  BOOST_CHECK(r->body == bytes);
  // A range across a piece boundary.
  auto part = client->Get("/api/runs/ok/files/w.npy", {httplib::make_range_header({{262140, 262150}})});
  BOOST_REQUIRE(part);
  BOOST_CHECK_EQUAL(part->status, 206);
  BOOST_CHECK(part->body == bytes.substr(262140, 11));
}

BOOST_AUTO_TEST_CASE(cancel_of_an_unknown_job_is_a_404_and_unknown_api_paths_are_json_404) {
  BOOST_CHECK_EQUAL(post("/api/jobs/no-such-job/cancel", "", 404)["status"], 404);
  get("/api/jobs/no-such-job", 404);
  get("/api/nothing-here", 404);
}

BOOST_AUTO_TEST_CASE(a_crashing_job_is_marked_failed_and_the_server_goes_on) {
  std::string id = submit(tiny_experiment("crash"));
  json j = wait_for(id);
  BOOST_CHECK_EQUAL(j["state"], "failed");
  BOOST_CHECK(j["error"].get<std::string>().find("simulated failure") != std::string::npos);
  json runs_list = get("/api/runs");
  BOOST_CHECK_EQUAL(runs_list["runs"][0]["state"], "failed");  // also after a restart: status.json
  BOOST_CHECK(fs::exists(runs / id / "status.json"));
}

BOOST_AUTO_TEST_CASE(one_job_at_a_time_queued_jobs_wait_and_cancel_works_for_both) {
  std::string running = submit(tiny_experiment("slow"));
  std::string waiting = submit(tiny_experiment("slow"));
  for (int i = 0; i < 500 && get("/api/jobs/" + running)["state"] != "running"; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  BOOST_CHECK_EQUAL(get("/api/jobs/" + running)["state"], "running");
  json w = get("/api/jobs/" + waiting);
  BOOST_CHECK_EQUAL(w["state"], "queued");
  BOOST_CHECK_EQUAL(w["position"], 0);
  post("/api/jobs/" + waiting + "/cancel", "", 200);
  BOOST_CHECK_EQUAL(get("/api/jobs/" + waiting)["state"], "cancelled");
  post("/api/jobs/" + running + "/cancel", "", 200);
  BOOST_CHECK_EQUAL(wait_for(running)["state"], "cancelled");
  post("/api/jobs/" + running + "/cancel", "", 409);  // already finished
}

// A cancel that arrives while the worker takes the job off the queue must not be lost
// (it was: the job was marked cancelled, then started and ran to its end). "slow" runs
// until its cancel flag is set, so a lost cancel leaves it running past wait_for's limit.
BOOST_AUTO_TEST_CASE(a_job_cancelled_right_after_submission_ends_cancelled) {
  for (int i = 0; i < 25; ++i) {
    const std::string id = submit(tiny_experiment("slow"));
    post("/api/jobs/" + id + "/cancel", "", 200);
    BOOST_REQUIRE_EQUAL(wait_for(id, 20)["state"], "cancelled");
  }
}

// The page's run view reads a queued run's settings from GET /api/runs/ID (its header,
// "Edit a copy in the builder"); the folder has no config.json until the job has loaded
// its data, so the answer carries the submitted experiment.
BOOST_AUTO_TEST_CASE(a_queued_run_answers_with_the_config_it_was_submitted_with) {
  std::string running = submit(tiny_experiment("slow"));
  json exp = tiny_experiment("slow");
  exp["train"]["epochs"] = 7;
  std::string waiting = submit(exp);
  json d = get("/api/runs/" + waiting);
  BOOST_CHECK_EQUAL(d["state"], "queued");
  BOOST_REQUIRE(d["config"].is_object());
  BOOST_CHECK_EQUAL(d["config"]["train"]["epochs"], 7);
  BOOST_CHECK_EQUAL(d["config"]["model"]["layers"], exp["model"]["layers"]);
  BOOST_CHECK_EQUAL(d["config"]["data"]["classes"], json::parse("[0, 1]"));
  post("/api/jobs/" + waiting + "/cancel", "", 200);
  post("/api/jobs/" + running + "/cancel", "", 200);
  BOOST_CHECK_EQUAL(wait_for(running)["state"], "cancelled");
}

BOOST_AUTO_TEST_CASE(batch_progress_events_are_throttled_epochs_are_not) {
  // 40,000 batch callbacks: only a few become events (interval 250 ms + one per epoch end).
  auto before = server->events.published();
  auto t0 = std::chrono::steady_clock::now();
  std::string id = submit(tiny_experiment("burst"));
  json j = wait_for(id);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  BOOST_CHECK_EQUAL(j["state"], "done");
  BOOST_CHECK_EQUAL(j["epochs"].size(), 2u);
  auto events = server->events.published() - before;
  // queued + running + done job events, 2 epoch events, batch events bounded by time.
  BOOST_CHECK_LE(events, 5 + 2 * (1 + seconds / 0.25) + 2);
  BOOST_CHECK_GE(events, 5u + 2u);  // each epoch's last batch is always sent
}

BOOST_AUTO_TEST_CASE(events_stream_carries_hello_job_epoch_and_batch_events) {
  std::string text;
  std::atomic<bool> done{false};
  httplib::Client sse("127.0.0.1", server->port());
  std::thread reader([&] {
    sse.Get("/api/events", [&](const char* data, size_t n) {
      text.append(data, n);
      return !done && text.find("\"state\":\"done\"") == std::string::npos;
    });
  });
  for (int i = 0; i < 200 && server->events.subscribers() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::string id = submit(tiny_experiment("events"));
  wait_for(id);
  for (int i = 0; i < 300 && text.find("\"state\":\"done\"") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  done = true;
  sse.stop();
  reader.join();
  BOOST_CHECK(text.rfind("event: hello", 0) == 0);
  BOOST_CHECK(text.find("event: job") != std::string::npos);
  BOOST_CHECK(text.find("event: batch") != std::string::npos);
  BOOST_CHECK(text.find("event: epoch") != std::string::npos);
  BOOST_CHECK(text.find("\"eta\"") != std::string::npos);
  BOOST_CHECK(text.find("\"state\":\"done\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(static_page_is_served_and_names_are_validated) {
  auto r = client->Get("/");
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->status, 200);
  BOOST_CHECK(r->body.find("glassbox") != std::string::npos);
  BOOST_CHECK(r->get_header_value("Content-Type").find("text/html") == 0);
  auto js = client->Get("/js/main.js");
  BOOST_REQUIRE(js);
  BOOST_CHECK(js->get_header_value("Content-Type").find("javascript") != std::string::npos);
  auto bad = client->Get("/../CMakeLists.txt");
  BOOST_REQUIRE(bad);
  BOOST_CHECK_EQUAL(bad->status, 404);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(inspection, TrainedRun)

BOOST_AUTO_TEST_CASE(a_finished_run_is_listed_with_metrics_config_and_files) {
  json list = get("/api/runs");
  BOOST_REQUIRE_EQUAL(list["runs"].size(), 1u);
  BOOST_CHECK_EQUAL(list["runs"][0]["state"], "done");
  BOOST_CHECK(list["runs"][0]["has_model"].get<bool>());
  json d = get("/api/runs/" + id);
  BOOST_CHECK_EQUAL(d["metrics"]["epochs"].size(), 2u);
  double acc = d["metrics"]["test_accuracy"];
  BOOST_CHECK(acc >= 0.0 && acc <= 1.0);
  BOOST_CHECK_EQUAL(d["config"]["data"]["dataset"], "synthetic");
  BOOST_CHECK(std::find(d["files"].begin(), d["files"].end(), "model/model.json") != d["files"].end());
  json m = get("/api/runs/" + id + "/files/metrics.json");
  BOOST_CHECK_EQUAL(m["test_accuracy"], d["metrics"]["test_accuracy"]);
  BOOST_CHECK_EQUAL(d["job"]["epochs"].size(), 2u);  // live history from the queue
}

BOOST_AUTO_TEST_CASE(inspect_returns_every_layer_and_the_same_outputs_as_the_model) {
  auto r = client->Post(("/api/runs/" + id + "/inspect").c_str(), R"({"split": "test", "index": 3})", "application/json");
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_MESSAGE(r->status == 200, r->body);
  BOOST_CHECK_EQUAL(r->get_header_value("Content-Type"), "application/octet-stream");
  UnpackedTensors u = unpack_tensors(r->body);
  const json& h = u.header;
  BOOST_REQUIRE_EQUAL(h["layers"].size(), 3u);
  BOOST_CHECK_EQUAL(h["layers"][1]["values"]["shape"], json::parse("[8]"));
  BOOST_CHECK_EQUAL(h["input"]["shape"], json::parse("[1, 28, 28]"));

  // Independently: the saved model on the same test image.
  auto model = MyDeepLearning::load((runs / id / "model").string(), registry);
  json cfg = json::parse(std::ifstream(runs / id / "config.json"));
  ExperimentData data = load_experiment_data(cfg["data"], registry, "test");
  Tensor x = data.test.batch({3});
  Tensor out = model.predict(x);
  std::vector<float> last = u.values(h["layers"][2]["values"]);
  BOOST_REQUIRE_EQUAL(last.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) {
    BOOST_CHECK_CLOSE(last[k], out(0, k), 1e-3);
    BOOST_CHECK_CLOSE(h["outputs"][k].get<float>(), out(0, k), 1e-3);
  }
  int argmax = out(0, 1) > out(0, 0) ? 1 : 0;
  BOOST_CHECK_EQUAL(h["prediction"], argmax);
  double psum = h["probabilities"][0].get<double>() + h["probabilities"][1].get<double>();
  BOOST_CHECK_CLOSE(psum, 1.0, 1e-4);
  BOOST_CHECK_EQUAL(h["source"]["label"], data.test.original_label(3));
  // The hidden layer's activations are ReLU outputs: never negative.
  for (float v : u.values(h["layers"][1]["values"])) BOOST_CHECK_GE(v, 0.0f);
}

BOOST_AUTO_TEST_CASE(inspect_drawn_pixels_and_bad_inputs) {
  std::vector<float> px(784, 0.0f);
  for (int r = 1; r <= 6; ++r)
    for (int c = 1; c <= 6; ++c) px[r * 28 + c] = 1.0f;  // class 0's patch
  auto r = client->Post(("/api/runs/" + id + "/inspect").c_str(), json{{"pixels", px}}.dump(), "application/json");
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_MESSAGE(r->status == 200, r->body);
  UnpackedTensors u = unpack_tensors(r->body);
  BOOST_CHECK_EQUAL(u.header["source"]["kind"], "pixels");
  BOOST_CHECK_EQUAL(u.values(u.header["input"])[28 + 1], 1.0f);

  post("/api/runs/" + id + "/inspect", json{{"pixels", std::vector<float>(10, 0.f)}}.dump(), 400);
  post("/api/runs/" + id + "/inspect", R"({"index": 100000})", 400);
  post("/api/runs/" + id + "/inspect", R"({"index": -1})", 400);
  post("/api/runs/" + id + "/inspect", R"({"split": "nowhere", "index": 0})", 400);
  post("/api/runs/" + id + "/inspect", "{not json", 400);
  post("/api/runs/does-not-exist/inspect", R"({"index": 0})", 404);
}

BOOST_AUTO_TEST_CASE(relevance_per_class) {
  auto r = client->Post(("/api/runs/" + id + "/inspect").c_str(),
                        R"({"index": 0, "relevance": {"composite": "epsilon-plus", "layers_for": "all"}})", "application/json");
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_MESSAGE(r->status == 200, r->body);
  UnpackedTensors u = unpack_tensors(r->body);
  const json& rel = u.header["relevance"];
  BOOST_REQUIRE_EQUAL(rel["targets"].size(), 2u);
  for (const auto& t : rel["targets"]) {
    std::vector<float> heat = u.values(t["input"]);
    BOOST_CHECK_EQUAL(heat.size(), 784u);
    double sum = 0;
    for (float v : heat) sum += v;
    BOOST_CHECK_CLOSE(sum, t["input_sum"].get<double>(), 1e-2);  // the header's sum is the heatmap's
    BOOST_CHECK_EQUAL(t["layers"].size(), 3u);
  }
  post("/api/runs/" + id + "/inspect", R"({"index": 0, "relevance": {"composite": "no-such-rule"}})", 400);
}

// Bad relevance and inspect options were 500s (a JSON type error inside the handler).
BOOST_AUTO_TEST_CASE(bad_relevance_and_inspect_options_are_400_naming_the_option) {
  const std::string url = "/api/runs/" + id + "/inspect";
  auto error_of = [&](const std::string& body) {
    return post(url, body, 400)["error"].get<std::string>();
  };
  std::string m = error_of(R"({"index": 0, "relevance": {"layers_for": ["x"]}})");
  BOOST_CHECK_MESSAGE(m.find("relevance.layers_for.0") != std::string::npos && m.find("\"x\"") != std::string::npos &&
                          m.find("classes among: 0") != std::string::npos,
                      m);
  m = error_of(R"({"index": 0, "relevance": {"layers_for": 7}})");
  BOOST_CHECK_MESSAGE(m.find("relevance.layers_for: 7") != std::string::npos, m);
  m = error_of(R"({"index": 0, "relevance": {"layers_for": [0, -1]}})");
  BOOST_CHECK_MESSAGE(m.find("relevance.layers_for.1") != std::string::npos, m);
  m = error_of(R"({"index": 0, "relevance": {"composite": 5}})");
  BOOST_CHECK_MESSAGE(m.find("relevance.composite") != std::string::npos && m.find("epsilon-plus") != std::string::npos, m);
  m = error_of(R"({"index": 0, "relevance": {"rule_parameters": 3}})");
  BOOST_CHECK_MESSAGE(m.find("relevance.rule_parameters") != std::string::npos, m);
  m = error_of(R"({"index": 0, "relevance": "yes"})");
  BOOST_CHECK_MESSAGE(m.find("'relevance'") != std::string::npos, m);
  m = error_of(R"({"split": 5, "index": 0})");
  BOOST_CHECK_MESSAGE(m.find("'split'") != std::string::npos, m);
  const std::string neuron = "/api/runs/" + id + "/neuron";
  for (const char* key : {"limit", "top", "threshold"}) {
    json body = {{"layer", 1}, {"unit", 0}, {key, "many"}};
    m = post(neuron, body.dump(), 400)["error"].get<std::string>();
    BOOST_CHECK_MESSAGE(m.find(std::string("'") + key + "'") != std::string::npos, m);
  }
  // Composite objects, rule parameters and inputs of the wrong shape or type: never a 500.
  for (const char* body :
       {R"({"index": 0, "relevance": {"composite": {"rules": 5}}})", R"({"index": 0, "relevance": {"composite": {}}})",
        R"({"index": 0, "relevance": {"composite": {"default": "no-such-rule"}}})",
        R"({"index": 0, "relevance": {"rule_parameters": {"epsilon": "x"}}})",
        R"({"index": 0, "relevance": {"rule_parameters": {"epsilon": -1}}})", R"({"pixels": "abc"})",
        R"({"pixels": [1, 2]})", R"({"index": 1.5})", R"({"index": "3"})", R"({"index": 0, "split": null})",
        R"({"index": 18446744073709551615})"}) {
    auto bad = client->Post(url.c_str(), body, "application/json");
    BOOST_REQUIRE(bad);
    BOOST_CHECK_MESSAGE(bad->status == 400, std::string(body) + " -> " + std::to_string(bad->status) + " " + bad->body);
  }
  // A class name works as well as its index; the server answers on.
  auto plain = client->Post(url.c_str(), R"({"index": 0})", "application/json");
  BOOST_REQUIRE(plain && plain->status == 200);
  const std::string name0 = unpack_tensors(plain->body).header["class_names"][0];
  json body = {{"index", 0}, {"relevance", {{"layers_for", json::array({name0, 1})}}}};
  auto r = client->Post(url.c_str(), body.dump(), "application/json");
  BOOST_REQUIRE(r);
  BOOST_CHECK_MESSAGE(r->status == 200, r->body);
}

BOOST_AUTO_TEST_CASE(samples_give_images_labels_and_validate_indices) {
  auto r = client->Get(("/api/runs/" + id + "/samples?split=unseen&indices=0,5").c_str());
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_MESSAGE(r->status == 200, r->body);
  UnpackedTensors u = unpack_tensors(r->body);
  BOOST_CHECK_EQUAL(u.header["images"]["shape"], json::parse("[2, 1, 28, 28]"));
  for (const auto& l : u.header["labels"]) BOOST_CHECK(l == 2 || l == 3);  // unseen classes only
  get("/api/runs/" + id + "/samples?count=abc", 400);
  get("/api/runs/" + id + "/samples?indices=1,-2", 400);
  get("/api/runs/" + id + "/samples?indices=999999", 400);
}

BOOST_AUTO_TEST_CASE(neuron_firing_rates_match_an_independent_count) {
  json n = post("/api/runs/" + id + "/neuron", R"({"layer": 1, "unit": 2, "limit": 1000, "top": 3})", 200);
  auto model = MyDeepLearning::load((runs / id / "model").string(), registry);
  json cfg = json::parse(std::ifstream(runs / id / "config.json"));
  ExperimentData data = load_experiment_data(cfg["data"], registry, "test");
  std::map<int, std::pair<int, int>> count;  // label -> (samples, fired)
  std::vector<float> value(data.test.size());
  for (std::size_t i = 0; i < data.test.size(); ++i) {
    float v = 0;
    model.forward(data.test.batch({i}), [&](std::size_t layer, const Layer&, const Tensor&, const Tensor& out) {
      if (layer == 1) v = out(0, 2);
    });
    value[i] = v;
    auto& c = count[data.test.original_label(i)];
    c.first += 1;
    c.second += v > 0;
  }
  const json& test = n["splits"]["test"];
  BOOST_CHECK_EQUAL(test["samples"], data.test.size());
  for (const auto& c : test["classes"]) {
    auto [samples, fired] = count.at(c["label"].get<int>());
    BOOST_CHECK_EQUAL(c["count"].get<int>(), samples);
    BOOST_CHECK_CLOSE(c["firing_rate"].get<double>() + 1.0, double(fired) / samples + 1.0, 1e-6);
  }
  float best = *std::max_element(value.begin(), value.end());
  BOOST_CHECK_CLOSE(test["top"][0]["value"].get<float>() + 1.0f, best + 1.0f, 1e-3);
  BOOST_CHECK(n["splits"].contains("unseen"));
  post("/api/runs/" + id + "/neuron", R"({"layer": 9, "unit": 0})", 400);
  post("/api/runs/" + id + "/neuron", R"({"layer": 1, "unit": 8})", 400);
  post("/api/runs/" + id + "/neuron", R"({"layer": "x"})", 400);
}

BOOST_AUTO_TEST_SUITE_END()
