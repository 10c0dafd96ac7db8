// A shared library without the glassbox_plugin entry point.
extern "C" __attribute__((visibility("default"))) int gbtest_something_else() { return 42; }
