// `glassbox serve` as a process: SIGTERM and SIGINT stop it promptly (listener, slow
// connections, the running job) with exit 0, and a second server on a busy port fails
// with "address in use" and exit 1 instead of sharing the port.
#define BOOST_TEST_MODULE web_serve_cli
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "raw_http.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace webtest;
using Clock = std::chrono::steady_clock;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A `glassbox serve` child with its stdout and stderr on one pipe.
class ServeProcess {
 public:
  explicit ServeProcess(std::vector<std::string> args) {
    int fds[2];
    BOOST_REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    BOOST_REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      ::setenv("GLASSBOX_PLUGIN_PATH", "", 1);
      std::vector<char*> argv;
      const std::string exe = GLASSBOX_BINARY_DIR "/glassbox";
      argv.push_back(const_cast<char*>(exe.c_str()));
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
    ::fcntl(out_, F_SETFL, O_NONBLOCK);
  }
  ~ServeProcess() {
    if (pid_ > 0 && code_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
  }

  // The port from "glassbox: serving http://127.0.0.1:PORT/", or 0.
  int wait_for_port(double seconds) {
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    const std::string marker = "serving http://127.0.0.1:";
    while (Clock::now() < until) {
      drain();
      auto p = output_.find(marker);
      if (p != std::string::npos && output_.find('/', p + marker.size()) != std::string::npos)
        return std::atoi(output_.c_str() + p + marker.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return 0;
  }
  // The exit code (128 + signal when killed by one), or -1 when still running.
  int wait_exit(double seconds) {
    const auto until = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
      drain();
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        drain();
        code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  const std::string& output() {
    drain();
    return output_;
  }

 private:
  void drain() {
    char buf[4096];
    ssize_t n;
    while ((n = ::read(out_, buf, sizeof buf)) > 0) output_.append(buf, std::size_t(n));
  }
  pid_t pid_ = -1;
  int out_ = -1;
  int code_ = -1;
  std::string output_;
};

struct RunsDir {
  fs::path path = fs::temp_directory_path() / ("glassbox-serve-cli-" + std::to_string(::getpid()));
  RunsDir() { fs::remove_all(path); }
  ~RunsDir() { fs::remove_all(path); }
};

std::string http(int port, const std::string& method, const std::string& path, const std::string& body = "") {
  RawConnection c(port);
  if (!c.connected()) return "";
  std::string headers = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  if (!body.empty()) headers += "Content-Type: application/json\r\n";
  c.send(raw_request(method, path, headers, body));
  return c.read_until("\r\n0\r\n\r\n", 10);
}

// Enough epochs on the synthetic data to keep the job running for the whole test.
const char* kLongJob = R"({"name": "long", "seed": 1,
  "data": {"dataset": "synthetic", "options": {"num_classes": 4, "samples": 4000, "test_samples": 100}},
  "model": {"layers": [{"type": "flatten"}, {"type": "dense", "units": 64, "activation": "relu"},
                       {"type": "dense", "units": 4}]},
  "train": {"epochs": 1000, "batch_size": 8}})";

}  // namespace

BOOST_AUTO_TEST_CASE(sigterm_stops_serve_with_a_running_job_and_a_slow_client_promptly) {
  RunsDir runs;
  ServeProcess serve({"serve", "--port", "0", "--runs", runs.path.string()});
  const int port = serve.wait_for_port(30);
  BOOST_REQUIRE_MESSAGE(port > 0, serve.output());
  std::string answer = http(port, "POST", "/api/runs", kLongJob);
  BOOST_REQUIRE_MESSAGE(status_of(answer) == 202, answer);
  const std::string id = json::parse(body_of(answer))["id"];
  bool running = false;
  for (int i = 0; i < 500 && !running; ++i) {
    running = has(http(port, "GET", "/api/jobs/" + id), "\"state\":\"running\"");
    if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  BOOST_REQUIRE(running);
  RawConnection slow(port);  // half a request, never finished
  slow.send("GET /api/jobs HTTP/1.1\r\n");
  RawConnection stream(port);  // an event stream that never reads
  stream.send(raw_request("GET", "/api/events", "Host: 127.0.0.1:" + std::to_string(port) + "\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  auto t0 = Clock::now();
  serve.signal(SIGTERM);
  const int code = serve.wait_exit(9);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  BOOST_CHECK_MESSAGE(code == 0, "exit " + std::to_string(code) + ": " + serve.output());
  BOOST_CHECK_MESSAGE(seconds < 5, std::to_string(seconds) + " s to stop");
  BOOST_CHECK_MESSAGE(has(serve.output(), "stopped"), serve.output());
  // The job was cancelled, and says so after a restart.
  std::ifstream status(runs.path / id / "status.json");
  BOOST_REQUIRE(status);
  BOOST_CHECK_EQUAL(json::parse(status)["state"], "cancelled");
}

// kill -9 mid-job: after a restart on the same runs folder, the running job and the one
// waiting behind it are listed as interrupted (not lost, not done), and no staging
// folder is listed as a run.
BOOST_AUTO_TEST_CASE(sigkill_mid_job_leaves_interrupted_runs_after_a_restart) {
  RunsDir runs;
  std::string running_id, waiting_id;
  {
    ServeProcess serve({"serve", "--port", "0", "--runs", runs.path.string()});
    const int port = serve.wait_for_port(30);
    BOOST_REQUIRE_MESSAGE(port > 0, serve.output());
    std::string a = http(port, "POST", "/api/runs", kLongJob);
    BOOST_REQUIRE_MESSAGE(status_of(a) == 202, a);
    running_id = json::parse(body_of(a))["id"];
    std::string b = http(port, "POST", "/api/runs", kLongJob);
    BOOST_REQUIRE_MESSAGE(status_of(b) == 202, b);
    waiting_id = json::parse(body_of(b))["id"];
    bool training = false;  // inside training, the results folder being written
    for (int i = 0; i < 1000 && !training; ++i) {
      training = has(http(port, "GET", "/api/jobs/" + running_id), "\"stage\":\"train\"");
      if (!training) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_REQUIRE(training);
    serve.signal(SIGKILL);
    BOOST_CHECK_EQUAL(serve.wait_exit(10), 128 + SIGKILL);
  }
  ServeProcess again({"serve", "--port", "0", "--runs", runs.path.string()});
  const int port = again.wait_for_port(30);
  BOOST_REQUIRE_MESSAGE(port > 0, again.output());
  const std::string list = http(port, "GET", "/api/runs");
  BOOST_REQUIRE_MESSAGE(status_of(list) == 200, list);
  const json listed = json::parse(body_of(list))["runs"];
  BOOST_REQUIRE_EQUAL(listed.size(), 2u);
  for (const auto& r : listed) {
    BOOST_CHECK_MESSAGE(r["id"] == running_id || r["id"] == waiting_id, r.dump());
    BOOST_CHECK_EQUAL(r["state"], "interrupted");
    BOOST_CHECK_EQUAL(r["name"], "long");
    const std::string was = r["id"] == running_id ? "running" : "queued";
    BOOST_CHECK_EQUAL(r["error"], "interrupted: the server stopped while this job was " + was + "; submit it again");
  }
}

BOOST_AUTO_TEST_CASE(sigint_stops_an_idle_serve_with_exit_0) {
  RunsDir runs;
  ServeProcess serve({"serve", "--port", "0", "--runs", runs.path.string()});
  const int port = serve.wait_for_port(30);
  BOOST_REQUIRE_MESSAGE(port > 0, serve.output());
  BOOST_CHECK_EQUAL(status_of(http(port, "GET", "/api/jobs")), 200);
  serve.signal(SIGINT);
  BOOST_CHECK_EQUAL(serve.wait_exit(5), 0);
}

BOOST_AUTO_TEST_CASE(a_second_serve_on_a_busy_port_fails_with_address_in_use) {
  RunsDir runs;
  ServeProcess first({"serve", "--port", "0", "--runs", runs.path.string()});
  const int port = first.wait_for_port(30);
  BOOST_REQUIRE_MESSAGE(port > 0, first.output());
  ServeProcess second({"serve", "--port", std::to_string(port), "--runs", (runs.path / "second").string()});
  const int code = second.wait_exit(30);
  BOOST_CHECK_MESSAGE(code == 1, "exit " + std::to_string(code) + ": " + second.output());
  BOOST_CHECK_MESSAGE(has(second.output(), "address in use"), second.output());
  BOOST_CHECK_MESSAGE(has(second.output(), std::to_string(port)), second.output());
  // The first one still answers every request.
  for (int i = 0; i < 10; ++i) BOOST_CHECK_EQUAL(status_of(http(port, "GET", "/api/jobs")), 200);
  first.signal(SIGTERM);
  BOOST_CHECK_EQUAL(first.wait_exit(5), 0);
}

BOOST_AUTO_TEST_CASE(data_root_confines_submitted_dataset_paths_and_must_exist) {
  RunsDir runs;
  fs::path root = runs.path / "data";
  fs::create_directories(root);
  ServeProcess serve({"serve", "--port", "0", "--runs", (runs.path / "runs").string(), "--data-root", root.string()});
  const int port = serve.wait_for_port(30);
  BOOST_REQUIRE_MESSAGE(port > 0, serve.output());
  const std::string csv = R"({"name": "c", "data": {"dataset": "csv", "path": "/etc/passwd"},
                              "model": {"layers": [{"type": "dense", "units": 2}]}})";
  std::string answer = http(port, "POST", "/api/runs", csv);
  BOOST_CHECK_EQUAL(status_of(answer), 400);
  BOOST_CHECK_MESSAGE(has(answer, "data.path") && has(answer, "outside") && has(answer, fs::canonical(root).string()),
                      answer);
  BOOST_CHECK_MESSAGE(!has(answer, "root:"), answer);
  serve.signal(SIGTERM);
  BOOST_CHECK_EQUAL(serve.wait_exit(5), 0);

  ServeProcess bad({"serve", "--port", "0", "--runs", (runs.path / "runs").string(), "--data-root",
                    (runs.path / "missing").string()});
  BOOST_CHECK_EQUAL(bad.wait_exit(30), 2);
  BOOST_CHECK_MESSAGE(has(bad.output(), "--data-root") && has(bad.output(), "missing"), bad.output());
}
