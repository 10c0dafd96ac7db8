// glassbox serve [--host 127.0.0.1] [--port 8080] [--runs DIR] [--web DIR] [--data-root DIR]: the web
// interface. Serves the page and its JSON API until SIGINT (Ctrl-C) or SIGTERM.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

#include <boost/dll/runtime_symbol_info.hpp>

#include "command.h"
#include "options.h"
#include "server/experiment_job.h"
#include "server/web_server.h"

namespace glassbox::app {

namespace fs = std::filesystem;

namespace {

// SIGINT/SIGTERM: the handler only writes the signal number to a pipe (async-signal
// safe); a watcher thread reads it, stops the server (listener, event streams, idle and
// slow connections, the running job) and gives the main thread 10 s to finish. A job
// that is inside a read that cannot be interrupted does not keep the process alive
// past that: it exits with 143 (128 + SIGTERM).
int g_stop_pipe[2] = {-1, -1};

extern "C" void on_stop_signal(int sig) {
  const char c = char(sig);
  ssize_t ignored = ::write(g_stop_pipe[1], &c, 1);
  (void)ignored;
}

class SignalStopper {
 public:
  explicit SignalStopper(server::WebServer& srv) {
    if (::pipe2(g_stop_pipe, O_CLOEXEC) != 0) throw Error("cannot create the signal pipe");
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    watcher_ = std::thread([this, &srv] { watch(srv); });
  }
  // The main thread is done (the server has stopped and its job has ended).
  ~SignalStopper() {
    const char done = 0;
    ssize_t ignored = ::write(g_stop_pipe[1], &done, 1);
    (void)ignored;
    watcher_.join();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    ::close(g_stop_pipe[0]);
    ::close(g_stop_pipe[1]);
  }

 private:
  static int next_byte(int timeout_ms) {
    pollfd p{g_stop_pipe[0], POLLIN, 0};
    int r;
    do r = ::poll(&p, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    char c = 0;
    if (r <= 0 || ::read(g_stop_pipe[0], &c, 1) != 1) return -1;
    return c;
  }

  void watch(server::WebServer& srv) {
    const int sig = next_byte(-1);
    if (sig <= 0) return;  // serve ended by itself
    std::cerr << "glassbox: " << (sig == SIGINT ? "interrupted" : "terminated") << ", stopping the server\n";
    srv.request_stop();
    const int next = next_byte(10000);
    if (next == 0) return;
    std::cerr << "glassbox: the running job did not stop " << (next > 0 ? "before a second signal" : "within 10 s")
              << "; exiting without it\n";
    std::_Exit(128 + SIGTERM);
  }

  std::thread watcher_;
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The page: --web, GLASSBOX_WEB_DIR, <exe>/../share/glassbox/web (installed), the
// source tree's apps/web (build tree).
std::string find_web_dir(const std::string& given) {
  if (!given.empty()) {
    if (!fs::is_regular_file(fs::path(given) / "index.html"))
      throw ConfigError("--web " + given + ": no index.html there");
    return given;
  }
  std::vector<fs::path> candidates;
  if (const char* env = std::getenv("GLASSBOX_WEB_DIR")) candidates.emplace_back(env);
  fs::path exe = boost::dll::program_location().parent_path().string();
  candidates.push_back(exe / ".." / "share" / "glassbox" / "web");
  candidates.push_back(fs::path(GLASSBOX_SOURCE_WEB_DIR));
  for (const auto& c : candidates)
    if (fs::is_regular_file(c / "index.html")) return fs::weakly_canonical(c).string();
  return "";
}

std::string find_examples_dir(const std::string& web_dir) {
  std::vector<fs::path> candidates;
  if (!web_dir.empty()) candidates.push_back(fs::path(web_dir) / ".." / "examples");
  candidates.push_back(fs::path(GLASSBOX_SOURCE_WEB_DIR) / ".." / ".." / "examples");
  for (const auto& c : candidates)
    if (fs::is_directory(c)) return fs::weakly_canonical(c).string();
  return "";
}

// Where the built-in datasets live (plugins/datasets/data_folder.cpp): the data folder
// of GLASSBOX_DATA_DIR, of the source tree and of the installation, and the system's
// dataset packages.
std::vector<std::string> default_data_roots() {
  std::vector<std::string> out;
  if (const char* env = std::getenv("GLASSBOX_DATA_DIR"); env && *env) out.emplace_back(env);
  out.push_back((fs::path(GLASSBOX_SOURCE_WEB_DIR) / ".." / ".." / "data").string());
  fs::path exe = boost::dll::program_location().parent_path().string();
  out.push_back((exe / ".." / "share" / "glassbox" / "data").string());
  out.emplace_back("/usr/share/datasets");
  return out;
}

}  // namespace

int cmd_serve(const Args& args, Context& ctx) {
  po::options_description desc("serve options");
  server::ServerOptions opt;
  std::string web;
  desc.add_options()
      ("host", po::value<std::string>(&opt.host)->default_value("127.0.0.1"),
       "address to listen on (anything but loopback exposes training to the network)")
      ("port", po::value<int>(&opt.port)->default_value(8080), "port (0: any free port)")
      ("runs", po::value<std::string>(&opt.runs_dir)->default_value("runs"), "results folder of the runs")
      ("web", po::value<std::string>(&web), "folder of the page (default: installed or source copy)")
      ("max-body", po::value<std::size_t>(&opt.max_body_bytes)->default_value(1 << 20),
       "largest request body in bytes")
      ("data-root", po::value<std::vector<std::string>>(&opt.data_roots)->composing(),
       "folder submitted experiments may read data from (repeatable; default: the data folders of the "
       "built-in datasets and /usr/share/datasets)")
      ("allow-host", po::value<std::vector<std::string>>(&opt.allowed_hosts)->composing(),
       "another name the server answers to in the Host header, e.g. a reverse proxy's (repeatable)")
      ("help,h", "show this help");
  auto vm = parse_options(args, desc, {}, "serve");
  if (print_help_if_asked(vm, desc, "glassbox serve [--host 127.0.0.1] [--port 8080] [--runs DIR] [--web DIR] [--data-root DIR]..."))
    return kExitOk;
  if (opt.port < 0 || opt.port > 65535) throw ConfigError("--port: expected 0..65535, got " + std::to_string(opt.port));

  for (const auto& root : opt.data_roots)
    if (!fs::is_directory(root)) throw ConfigError("--data-root " + root + ": not a folder");
  if (opt.data_roots.empty()) opt.data_roots = default_data_roots();
  opt.web_dir = find_web_dir(web);
  opt.examples_dir = find_examples_dir(opt.web_dir);
  Registry& reg = ctx.registry();
  if (!is_loopback(opt.host))
    std::cerr << "glassbox: warning: listening on " << opt.host
              << ": anyone who can reach this address can start training and read the runs\n";
  if (opt.web_dir.empty())
    std::cerr << "glassbox: warning: no web page found (use --web DIR); serving the API only\n";
  else if (!fs::is_regular_file(fs::path(opt.web_dir) / "vendor" / "uPlot.esm.js"))
    std::cerr << "glassbox: warning: " << opt.web_dir
              << "/vendor has no uPlot (run scripts/fetch-web.sh); curves will not be drawn\n";

  server::WebServer srv(reg, opt, server::experiment_job_runner(reg));
  srv.bind();
  {
    SignalStopper stopper(srv);
    std::cout << "glassbox: serving " << srv.url() << " (runs in " << srv.runs.root() << ")" << std::endl;
    srv.listen();
    srv.stop();  // waits for the running job, which was asked to cancel
  }
  if (!ctx.quiet) std::cout << "glassbox: stopped" << std::endl;
  return kExitOk;
}

}  // namespace glassbox::app
