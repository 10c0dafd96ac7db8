#pragma once
// Every error a user can cause is a glassbox::Error whose message says what was wrong
// and where (file, key, layer, position) and what was expected.
#include <stdexcept>
#include <string>

namespace glassbox {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad experiment file, option or key (the CLI exits with code 2).
class ConfigError : public Error {
 public:
  using Error::Error;
};

// A plugin library that cannot be used: not a shared library, no entry point, ABI mismatch,
// a name registered twice.
class PluginError : public Error {
 public:
  using Error::Error;
};

// A data file that cannot be read: truncated, wrong magic, ragged row...
class DataError : public Error {
 public:
  using Error::Error;
};

}  // namespace glassbox
