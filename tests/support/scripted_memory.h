// Test support: small helpers for scripted programs that poke user memory (anonymous mappings,
// 32-bit words such as futexes and CLONE_CHILD_CLEARTID slots).
#pragma once

#include <sys/mman.h>
#include <sys/syscall.h>

#include <cstdint>

#include <ostd-host/scripted.h>

namespace orrery::testing {

/// mmap(2) of `len` readable and writable bytes (anonymous private unless `flags` says otherwise);
/// returns the address or -errno.
inline int64_t map_rw(ostd::host::ScriptedUser& u, uint64_t len,
                      int flags = MAP_PRIVATE | MAP_ANONYMOUS) {
    return u.syscall(SYS_mmap, 0, len, PROT_READ | PROT_WRITE, flags, -1, 0);
}

inline uint32_t read_u32(ostd::host::ScriptedUser& u, uint64_t va) {
    uint32_t v = 0;
    u.read(va, &v, sizeof v);
    return v;
}

inline void write_u32(ostd::host::ScriptedUser& u, uint64_t va, uint32_t v) {
    u.write(va, &v, sizeof v);
}

}  // namespace orrery::testing
