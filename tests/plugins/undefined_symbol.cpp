// A plugin that needs a function nobody defines: loading with RTLD_NOW must fail at load
// time, naming the missing symbol, instead of crashing later when it is called.
#include "glassbox/plugin.h"

extern "C" void gbtest_function_that_does_not_exist();

static void register_undefined(glassbox::Registry&) { gbtest_function_that_does_not_exist(); }

GLASSBOX_PLUGIN("gbtest-undefined", "1.0", register_undefined)
