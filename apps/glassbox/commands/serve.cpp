// glassbox serve [--host 127.0.0.1] [--port 8080] [--runs DIR] [--web DIR]: the web
// interface. Serves the page and its JSON API until interrupted (Ctrl-C).
#include <csignal>
#include <filesystem>
#include <iostream>

#include <boost/dll/runtime_symbol_info.hpp>

#include "command.h"
#include "options.h"
#include "server/experiment_job.h"
#include "server/web_server.h"

namespace glassbox::app {

namespace fs = std::filesystem;

namespace {

server::WebServer* g_server = nullptr;

extern "C" void stop_on_signal(int) {
  // httplib's stop() only closes the listening socket (async-signal-safe enough: a
  // shutdown() and close()); the main thread then leaves listen() and cleans up.
  if (g_server) g_server->http.stop();
}

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
      ("help,h", "show this help");
  auto vm = parse_options(args, desc, {}, "serve");
  if (print_help_if_asked(vm, desc, "glassbox serve [--host 127.0.0.1] [--port 8080] [--runs DIR] [--web DIR]"))
    return kExitOk;
  if (opt.port < 0 || opt.port > 65535) throw ConfigError("--port: expected 0..65535, got " + std::to_string(opt.port));

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
  g_server = &srv;
  std::signal(SIGINT, stop_on_signal);
  std::signal(SIGTERM, stop_on_signal);
  std::cout << "glassbox: serving " << srv.url() << " (runs in " << srv.runs.root() << ")" << std::endl;
  srv.listen();
  g_server = nullptr;
  if (!ctx.quiet) std::cout << "glassbox: stopped" << std::endl;
  return kExitOk;
}

}  // namespace glassbox::app
