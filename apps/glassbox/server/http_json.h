#pragma once
// JSON in and out of HTTP handlers. Every error the API sends is a JSON body
// {"error": "...", "status": N}, so the page can show it as it is.
#include <stdexcept>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace glassbox::server {

// Thrown inside a handler to answer with `status` and a JSON error body.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);
void send_error(httplib::Response& res, int status, const std::string& message);

// The request body as a JSON object; malformed JSON is a 400 naming line and column.
nlohmann::json parse_json_body(const httplib::Request& req);

// Reads an optional integer query parameter, with a 400 for non-numbers or values
// outside [lo, hi].
long query_int(const httplib::Request& req, const std::string& key, long fallback, long lo, long hi);

// The status text for the error body's "reason" (e.g. 413 -> "Payload Too Large").
const char* status_reason(int status);

}  // namespace glassbox::server
