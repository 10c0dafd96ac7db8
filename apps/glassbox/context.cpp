#include "context.h"

#include <iostream>

namespace glassbox::app {

Registry& Context::registry() {
  if (loaded_) return registry_;
  loaded_ = true;
  PluginSearch search;
  search.explicit_dirs = plugin_dirs;
  problems_ = load_plugins(registry_, search);
  for (const auto& p : problems_) {
    if (p.fatal) throw PluginError(p.message);
    if (!quiet) std::cerr << "glassbox: warning: skipped plugin " << p.message << "\n";
  }
  return registry_;
}

}  // namespace glassbox::app
