// The page: files under the web folder by validated names, "/" as index.html. Paths under
// /api/ never fall through to here (they get a JSON 404 from the error handler).
#include <filesystem>
#include <fstream>

#include "path_safety.h"
#include "route_handler.h"
#include "web_server.h"

namespace glassbox::server {

namespace fs = std::filesystem;

namespace {

const char* mime_type(const std::string& path) {
  auto ext = fs::path(path).extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  return "application/octet-stream";
}

}  // namespace

void add_static_routes(WebServer& s) {
  if (s.options.web_dir.empty()) return;
  s.http.Get(R"(/(?!api/)(.*))", json_route([&s](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    if (name.empty()) name = "index.html";
    auto path = resolve_inside(s.options.web_dir, name);
    if (!path || !fs::is_regular_file(*path)) throw HttpError(404, "no such page file: /" + name.substr(0, 200));
    std::ifstream in(*path, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    res.set_content(std::move(body), mime_type(*path));
    res.set_header("X-Content-Type-Options", "nosniff");
    // The page may not be framed by other sites and loads nothing from elsewhere.
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'");
    res.set_header("Cache-Control", "no-cache");
  }));
}

}  // namespace glassbox::server
