// A library whose `glassbox_plugin` is a function: the loader must not take its code for
// a plugin entry.
extern "C" __attribute__((visibility("default"))) void glassbox_plugin() {}
