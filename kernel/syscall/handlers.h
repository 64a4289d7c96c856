// Declarations of every syscall handler named in syscalls.def (sys_read, sys_openat, ...), so
// that each kernel/syscall/<family>.cpp defines its handlers with the one checked signature.
#pragma once

#include <kernel/syscall/dispatch.h>

namespace kernel::syscall {

#define ORRERY_SYSCALL(nr, name, handler, status, ...) \
    ostd::Result<int64_t> handler(SyscallContext& ctx, const SyscallArgs& args);
#include <kernel/syscall/syscalls.def>
#undef ORRERY_SYSCALL

}  // namespace kernel::syscall
