// The host sandbox: a libseccomp allow-list that confines this whole process to the host
// syscalls the backend itself needs, so a guest program that escapes the syscall trap still
// cannot open host files, create sockets, run host programs or signal other processes. The
// host backend stays a development platform; the bare-metal build is the isolation boundary.
#pragma once

#include <ostd/common/result.h>

namespace ostd::host {

/// Installs the allow-list on every thread of this process (TSYNC), for good. Syscalls not on
/// the list fail with EPERM (clone3 with ENOSYS, so libc falls back to clone, which is allowed
/// for threads only); the native engine's SIGSYS trap and Syscall User Dispatch keep working
/// (user-window syscalls never reach this filter, or their trap wins over its EPERM).
/// Under ASan, LeakSanitizer's exit-time check (which needs ptrace) runs now instead.
/// Call after the host files the run needs were read (initramfs) and before run_machine().
/// Errors: the errno of seccomp(2) or of libseccomp (EINVAL, ENOSYS: no seccomp in the host).
Result<void> enter_sandbox();

}  // namespace ostd::host
