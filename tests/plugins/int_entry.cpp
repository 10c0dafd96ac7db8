// A library exporting `int glassbox_plugin`: the loader must refuse it without reading
// through it or calling it.
extern "C" {
__attribute__((visibility("default"))) int glassbox_plugin = 7;
}
