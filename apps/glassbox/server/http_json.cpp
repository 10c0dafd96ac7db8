#include "http_json.h"

#include "glassbox/json_text.h"

namespace glassbox::server {

using nlohmann::json;

void send_json(httplib::Response& res, const json& body, int status) {
  res.status = status;
  // Replace invalid UTF-8 (from a file name, a plugin's text) instead of throwing.
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
  res.set_header("Cache-Control", "no-store");
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  // An error names the key and what was expected; it never carries the request back (a
  // message quoting a 1 MB value would echo it, to a client that may not be its author).
  constexpr std::size_t kMaxMessage = 2000;
  std::string text = message;
  if (text.size() > kMaxMessage) {
    std::size_t cut = kMaxMessage;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
    text = text.substr(0, cut) + "... (" + std::to_string(message.size() - cut) + " more bytes not shown)";
  }
  send_json(res, {{"error", text}, {"status", status}, {"reason", status_reason(status)}}, status);
}

json parse_json_body(const httplib::Request& req) {
  if (req.body.empty()) throw HttpError(400, "the request needs a JSON body");
  try {
    return parse_json_text(req.body, "request body");
  } catch (const JsonTextError& e) {
    throw HttpError(400, "malformed JSON at line " + std::to_string(e.line) + ", column " + std::to_string(e.column) +
                             " (" + e.reason + ")");
  }
}

long query_int(const httplib::Request& req, const std::string& key, long fallback, long lo, long hi) {
  if (!req.has_param(key.c_str())) return fallback;
  const std::string text = req.get_param_value(key.c_str());
  long v = 0;
  std::size_t used = 0;
  try {
    v = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size())
    throw HttpError(400, "query parameter '" + key + "' must be an integer, got '" + text + "'");
  if (v < lo || v > hi)
    throw HttpError(400, "query parameter '" + key + "' must be in [" + std::to_string(lo) + ", " +
                             std::to_string(hi) + "], got " + text);
  return v;
}

const char* status_reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : "Error";
  }
}

}  // namespace glassbox::server
