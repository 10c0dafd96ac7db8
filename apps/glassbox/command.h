#pragma once
// The subcommand table. A command gets the words after its name and returns an exit code;
// it throws ConfigError for usage errors (exit 2) and Error for failures (exit 1).
#include <string>
#include <vector>

#include "context.h"

namespace glassbox::app {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args, Context& ctx);
};

int cmd_info(const Args& args, Context& ctx);
int cmd_datasets(const Args& args, Context& ctx);
int cmd_plugins(const Args& args, Context& ctx);
int cmd_run(const Args& args, Context& ctx);
int cmd_explain(const Args& args, Context& ctx);
int cmd_signatures(const Args& args, Context& ctx);
int cmd_similarity(const Args& args, Context& ctx);
int cmd_concepts(const Args& args, Context& ctx);
int cmd_serve(const Args& args, Context& ctx);
int cmd_sweep(const Args& args, Context& ctx);
int cmd_import(const Args& args, Context& ctx);
int cmd_export(const Args& args, Context& ctx);

const std::vector<Command>& commands();

}  // namespace glassbox::app
