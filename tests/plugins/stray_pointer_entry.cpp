// A library whose `glassbox_plugin` is pointer-sized but points outside the library: the
// loader must refuse it without reading through the pointer.
extern "C" {
__attribute__((visibility("default"))) const void* glassbox_plugin = reinterpret_cast<const void*>(0x1000);
}
