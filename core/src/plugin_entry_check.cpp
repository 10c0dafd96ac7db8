#include "plugin_entry_check.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <cstdint>

#include "glassbox/error.h"

namespace glassbox {

namespace {

// The loaded object holding `addr`, and the flags (PF_R/PF_W/PF_X) of its segment
// mapping it; base is 0 when no loaded object maps the address.
struct Mapping {
  std::uintptr_t base = 0;
  std::uintptr_t segment_end = 0;
  unsigned flags = 0;
};

Mapping mapping_of(const void* addr) {
  struct Query {
    std::uintptr_t addr;
    Mapping found;
  } q{reinterpret_cast<std::uintptr_t>(addr), {}};
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto* q = static_cast<Query*>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
          if (q->addr >= start && q->addr < start + ph.p_memsz) {
            q->found = {info->dlpi_addr, start + ph.p_memsz, ph.p_flags};
            return 1;
          }
        }
        return 0;
      },
      &q);
  return q.found;
}

[[noreturn]] void refuse(const std::string& path, const std::string& why) {
  throw PluginError(path + ": exports 'glassbox_plugin' but it is not a glassbox entry point (" + why + ")");
}

}  // namespace

const PluginEntry& checked_plugin_entry(const void* symbol, const std::string& path) {
  Dl_info info{};
  void* extra = nullptr;  // dladdr1 stores a const ElfW(Sym)* here
  if (!dladdr1(symbol, &info, &extra, RTLD_DL_SYMENT) || !extra) refuse(path, "its symbol cannot be inspected");
  const auto* sym = static_cast<const ElfW(Sym)*>(extra);
  const unsigned type = ELF64_ST_TYPE(sym->st_info);  // the same macro body as ELF32_ST_TYPE
  if (type != STT_OBJECT || sym->st_size != sizeof(void*))
    refuse(path, type == STT_FUNC
                     ? "it is a function, expected the pointer GLASSBOX_PLUGIN defines"
                     : "a data symbol of " + std::to_string(sym->st_size) + " bytes, expected the pointer (" +
                           std::to_string(sizeof(void*)) + " bytes) GLASSBOX_PLUGIN defines");
  const Mapping alias = mapping_of(symbol);
  if (alias.base == 0) refuse(path, "its symbol is not in a loaded segment");

  // The pointer must lead to a whole, readable PluginEntry in the same library.
  const void* target = *static_cast<const void* const*>(symbol);
  const Mapping entry = mapping_of(target);
  const auto t = reinterpret_cast<std::uintptr_t>(target);
  if (entry.base != alias.base || !(entry.flags & PF_R) || t % alignof(PluginEntry) != 0 ||
      t + sizeof(PluginEntry) > entry.segment_end)
    refuse(path, "it does not point to a plugin entry inside the library");
  const auto& e = *static_cast<const PluginEntry*>(target);

  // The register function must be executable code of the same library (null is reported
  // by the loader after the ABI check, as before).
  if (e.register_factories) {
    const Mapping code = mapping_of(reinterpret_cast<const void*>(e.register_factories));
    if (code.base != alias.base || !(code.flags & PF_X))
      refuse(path, "its register function is not code of the library");
  }
  return e;
}

}  // namespace glassbox
