#pragma once
// What a plugin library exports: one entry point, `glassbox_plugin`, a PluginEntry whose
// abi_version the loader checks before it calls anything else.
//
//   static void register_factories(glassbox::Registry& r) { r.layers.add(...); }
//   GLASSBOX_PLUGIN("my-layers", "1.0", register_factories)
#include <boost/dll/alias.hpp>

#include "glassbox/registry.h"

namespace glassbox {

// Bumped whenever Layer, Optimizer, DatasetSource, Registry or PluginEntry change layout.
constexpr int kPluginAbiVersion = 1;

struct PluginEntry {
  int abi_version;
  const char* name;
  const char* version;
  void (*register_factories)(Registry&);
};

}  // namespace glassbox

#define GLASSBOX_PLUGIN(NAME, VERSION, REGISTER_FN)                                  \
  namespace {                                                                        \
  const glassbox::PluginEntry glassbox_plugin_entry_{glassbox::kPluginAbiVersion,    \
                                                     NAME, VERSION, REGISTER_FN};    \
  }                                                                                  \
  BOOST_DLL_ALIAS(glassbox_plugin_entry_, glassbox_plugin)
