#include "glassbox/json_text.h"

namespace glassbox {

using nlohmann::json;

namespace {

struct Position {
  std::size_t line = 1, column = 1;
};

Position position_of(const std::string& text, std::size_t offset) {
  Position p;
  for (std::size_t i = 0; i < text.size() && i < offset; ++i) {
    if (text[i] == '\n') ++p.line, p.column = 1;
    else ++p.column;
  }
  return p;
}

// The offset of the first bracket that opens level max_depth + 1, or npos. Brackets inside
// strings do not count; an unterminated string ends the scan (the parser reports it).
std::size_t first_too_deep(const std::string& text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::string::npos;
}

}  // namespace

JsonTextError::JsonTextError(const std::string& source, std::size_t l, std::size_t c, const std::string& r)
    : Error(source + ":" + std::to_string(l) + ":" + std::to_string(c) + ": invalid JSON (" + r + ")"),
      line(l),
      column(c),
      reason(r) {}

json parse_json_text(const std::string& text, const std::string& source, std::size_t max_depth) {
  const std::size_t deep = first_too_deep(text, max_depth);
  if (deep != std::string::npos) {
    const Position p = position_of(text, deep);
    throw JsonTextError(source, p.line, p.column, "nested deeper than " + std::to_string(max_depth) + " levels");
  }
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is 1-based: the position of the character that could not be read.
    const Position p = position_of(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    const auto at = what.find("parse error");
    throw JsonTextError(source, p.line, p.column, at == std::string::npos ? what : what.substr(at));
  } catch (const json::out_of_range& e) {
    // A number too large for a double (1e400): the library names the text, not its place.
    const std::string what = e.what();
    const auto q = what.find('\'');
    const std::string number = q == std::string::npos ? "" : what.substr(q + 1, what.rfind('\'') - q - 1);
    const std::size_t at = number.empty() ? std::string::npos : text.find(number);
    const Position p = position_of(text, at == std::string::npos ? 0 : at);
    throw JsonTextError(source, p.line, p.column, "the number " + number + " is out of range");
  }
}

}  // namespace glassbox
