// Text rows of the syscall table for `orrery syscalls`: one line per call with its number,
// signature and status, plus a per-status summary line.
#pragma once

#include <cstddef>

#include <kernel/syscall/table.h>

namespace kernel::syscall {

/// "257  openat(DirFd, Path, OpenFlags, Mode)  enosys" into buf; snprintf-style return value.
size_t format_syscall_row(char* buf, size_t size, const SyscallInfo& info);

/// "378 syscalls: 3 implemented, 1 partial, 374 enosys"; snprintf-style return value.
size_t format_syscall_summary(char* buf, size_t size, const StatusCounts& counts);

}  // namespace kernel::syscall
