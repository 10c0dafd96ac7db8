#pragma once
// The experiment schema as a data table: each key's accepted JSON types and range, so
// validation names the key and what it expects. Layer and optimizer options are checked
// by their factories; the few optimizer keys here are the ones a run depends on.
#include <limits>
#include <vector>

namespace glassbox::schema {

enum Types : unsigned {
  kString = 1, kBool = 2, kInt = 4, kNumber = 8, kObject = 16, kList = 32, kNull = 64,
  kAny = 127,
};

// How a string value is checked beyond its type.
enum class Special { none, file_name, shape, file_names_inside };

struct Rule {
  const char* path;           // "train.epochs"; one dot: a key of a section
  unsigned types;             // accepted JSON types (kInt accepts integers only, kNumber any number)
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false, hi_open = false;  // (lo, hi) instead of [lo, hi]
  unsigned items = 0;         // for lists: accepted types of the items (0: any)
  Special special = Special::none;
  const char* expected = "";  // for messages: "an integer in [0, 100000]"
};

// Every key of every section, in the order of docs/training.md.
const std::vector<Rule>& rules();

}  // namespace glassbox::schema
