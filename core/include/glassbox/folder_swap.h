#pragma once
// Crash-safe replacement of a whole folder (a saved model, a results folder): the new
// content is written into a staging folder beside the target, every file and folder in it
// is fsynced, then the two are swapped so that at every instant the target path holds
// either the old complete folder or the new complete one.
#include <string>

namespace glassbox {

// A file of this name inside a folder marks it as being written (a run in progress or one
// that was interrupted); is_complete_results_folder() refuses such a folder.
constexpr const char* kIncompleteMarker = ".glassbox-incomplete";

// The staging folder used for `target`: "<target>.tmp" (a sibling, so that the swap is a
// rename within one file system). Folders whose name ends in ".tmp" are never complete.
std::string staging_folder(const std::string& target);

// `dir` as a path whose last component names the folder itself: "out/" -> "out", and "."
// or "x/.." made absolute, so that staging_folder() is a real sibling.
std::string folder_path(const std::string& dir);

// True for "<name>.tmp" (a staging folder) and "<name>.tmp.<digits>" (the temporary file of
// write_file_atomic): names that only an unfinished write leaves behind.
bool is_temporary_name(const std::string& name);

// fsyncs every regular file and folder under `dir`, and `dir` itself. Throws Error naming
// the path that failed.
void fsync_tree(const std::string& dir);

// fsyncs the folder holding `path` (after a rename into or inside it).
void fsync_parent(const std::string& path);

// Moves the complete, fsynced folder `staged` to `target`. When `target` exists the two
// are exchanged atomically (renameat2 RENAME_EXCHANGE) and the old content, now at
// `staged`, is removed; where the exchange is unsupported, the old folder is renamed
// aside first (a crash between the two renames leaves only "<target>.old"). The parent
// is fsynced after each step. Throws Error naming the target.
void swap_folder_into_place(const std::string& staged, const std::string& target);

// True for a finished results folder of `glassbox run`: a folder holding config.json and
// metrics.json, without kIncompleteMarker, whose name does not end in ".tmp".
bool is_complete_results_folder(const std::string& dir);

}  // namespace glassbox
