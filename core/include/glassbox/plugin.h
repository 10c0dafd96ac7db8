#pragma once
// What a plugin library exports: one entry point, `glassbox_plugin`, a PluginEntry whose
// abi_version and data-layout fingerprint the loader checks before it calls anything else.
//
//   static void register_factories(glassbox::Registry& r) { r.layers.add(...); }
//   GLASSBOX_PLUGIN("my-layers", "1.0", register_factories)
#include <cstdint>
#include <string>

#include <boost/dll/alias.hpp>

#include "glassbox/registry.h"
#include "glassbox/tensor.h"

namespace glassbox {

// Bumped whenever Layer, ParamRef, Optimizer, DatasetSource, Registry or PluginEntry change
// layout. 3: ParamRef carries a ParamRole, Layer::list_params() const replaces the virtual
// params(), Layer::activation() returns an Activation. 4: LayerKind::merge and MergeLayer
// (merge_layer.h), layers that take several inputs.
constexpr int kPluginAbiVersion = 4;

// The layout of the types crossing the plugin boundary as the plugin's compiler saw them.
// The version number cannot catch a layout that depends on compiler flags or library
// headers (a different xtensor, an allocator chosen by -march); these figures can, and the
// loader refuses a plugin whose figures differ from its own.
struct AbiFingerprint {
  std::uint32_t tensor_size;           // sizeof(Tensor)
  std::uint32_t tensor_align;          // alignof(Tensor)
  std::uint32_t allocator_alignment;   // alignment of Tensor's storage
  std::uint32_t shape_type_size;       // sizeof(Tensor::shape_type)
  std::uint32_t shape_size;            // sizeof(Shape)
  std::uint32_t layout;                // Tensor's static layout (xt::layout_type)

  friend bool operator==(const AbiFingerprint& a, const AbiFingerprint& b) {
    return a.tensor_size == b.tensor_size && a.tensor_align == b.tensor_align &&
           a.allocator_alignment == b.allocator_alignment && a.shape_type_size == b.shape_type_size &&
           a.shape_size == b.shape_size && a.layout == b.layout;
  }
  friend bool operator!=(const AbiFingerprint& a, const AbiFingerprint& b) { return !(a == b); }
};

// Evaluated where it is compiled: in a plugin, the plugin's view; in the loader, its own.
constexpr AbiFingerprint current_abi_fingerprint() {
  return {static_cast<std::uint32_t>(sizeof(Tensor)), static_cast<std::uint32_t>(alignof(Tensor)),
          static_cast<std::uint32_t>(kTensorAlignment), static_cast<std::uint32_t>(sizeof(Tensor::shape_type)),
          static_cast<std::uint32_t>(sizeof(Shape)), static_cast<std::uint32_t>(Tensor::static_layout)};
}

// "tensor 240 bytes align 8, storage align 64, shape 64 bytes, Shape 24 bytes, layout 1"
std::string to_string(const AbiFingerprint& f);

// abi_version comes first and is checked first, so the fields after it may change with it.
struct PluginEntry {
  int abi_version;
  const char* name;
  const char* version;
  void (*register_factories)(Registry&);
  AbiFingerprint abi;
};

}  // namespace glassbox

#define GLASSBOX_PLUGIN(NAME, VERSION, REGISTER_FN)                                  \
  namespace {                                                                        \
  const glassbox::PluginEntry glassbox_plugin_entry_{glassbox::kPluginAbiVersion,    \
                                                     NAME, VERSION, REGISTER_FN,     \
                                                     glassbox::current_abi_fingerprint()};\
  }                                                                                  \
  BOOST_DLL_ALIAS(glassbox_plugin_entry_, glassbox_plugin)
