#pragma once
// JSON text from a user (an experiment file, model.json, an HTTP body, a --set value),
// parsed with a bound on nesting depth. nlohmann's parser itself is iterative, but
// dump(), copies and every recursive walk of a parsed document are not: a 200 KB text
// nested 100,000 deep would overflow the stack long after the parse succeeded.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "glassbox/error.h"

namespace glassbox {

// Deeper than any experiment, model file or API body glassbox writes (they nest < 10).
constexpr std::size_t kMaxJsonDepth = 64;

// A syntax error or a text nested too deep. what() reads
// "<source>:<line>:<column>: invalid JSON (<reason>)"; the parts are kept for callers that
// rephrase it (the server answers 400 with them).
class JsonTextError : public Error {
 public:
  JsonTextError(const std::string& source, std::size_t line, std::size_t column, const std::string& reason);
  std::size_t line;
  std::size_t column;
  std::string reason;
};

// Requires: nothing of `text` (any bytes). Ensures: a document nested at most `max_depth`
// levels (an array or object is one level), or a JsonTextError naming line and column.
nlohmann::json parse_json_text(const std::string& text, const std::string& source,
                               std::size_t max_depth = kMaxJsonDepth);

}  // namespace glassbox
