#pragma once
// Child processes of the driver (a local sweep runs each grid point as `glassbox run`).
#include <sys/types.h>

#include <string>
#include <vector>

namespace glassbox::app {

// This executable's own path (/proc/self/exe).
std::string own_executable();
// Starts argv[0] with `argv`, stdout and stderr appended to `log`; throws Error naming
// the program when it cannot start.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::string& log);
// Waits for any child; returns its pid and sets `code` to its exit code (128 + signal).
pid_t wait_any_child(int& code);
// The last non-empty line of a text file ("" when none): a failed child's error.
std::string last_line(const std::string& path);

}  // namespace glassbox::app
