#pragma once
// Checking a plugin's `glassbox_plugin` symbol before anything is read or called through it.
#include <string>

#include "glassbox/plugin.h"

namespace glassbox {

// `symbol` is what dlsym returned for "glassbox_plugin" in the library opened from `path`.
// The alias GLASSBOX_PLUGIN defines is a pointer-sized data object (ELF STT_OBJECT of
// size sizeof(void*)) holding the address of a PluginEntry in the same library, whose
// register function is executable code of that library. Anything else (an int, a
// function, a pointer elsewhere) throws PluginError naming `path`: "exports
// 'glassbox_plugin' but it is not a glassbox entry point (...)".
const PluginEntry& checked_plugin_entry(const void* symbol, const std::string& path);

}  // namespace glassbox
