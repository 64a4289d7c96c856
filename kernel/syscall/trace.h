// strace-style rendering of one syscall: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3`.
// Arguments are decoded by their syscalls.def kinds; strings are read through a UserReader.
#pragma once

#include <cstddef>
#include <cstdint>

#include <kernel/syscall/decode_user.h>
#include <kernel/syscall/dispatch.h>
#include <kernel/syscall/user_reader.h>

namespace kernel::syscall {

/// Writes `name(args)` into buf (NUL-terminated when size > 0) and returns the full length, as
/// snprintf does. `user` may be null: strings are then shown as addresses. Unknown numbers
/// render as `syscall_<nr>(0x.., ...)` with all six registers. Never fails, never panics: bad
/// user pointers are shown as hex addresses.
size_t format_syscall_call(char* buf, size_t size, const SyscallArgs& args, const UserReader* user);

/// Writes `= <ret>` for a return value: `= 3`, `= 0x7f0000001000` for address-returning calls,
/// `= -1 ENOENT (No such file or directory)` for -errno values.
size_t format_syscall_return(char* buf, size_t size, const SyscallArgs& args, int64_t ret);

/// Both, separated by a space: the full trace line (without newline).
size_t format_syscall(char* buf, size_t size, const SyscallArgs& args, int64_t ret,
                      const UserReader* user);

}  // namespace kernel::syscall
