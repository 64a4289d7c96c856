// Symbolic decoders for syscall argument families (open flags, mode, mmap prot/flags, clone
// flags, signals, AT_* flags, whence, fcntl commands, clocks, wait options, futex ops, ioctls)
// and for errno values in returns. Each appends strace-style text to a TraceWriter.
#pragma once

#include <cstdint>

#include <kernel/syscall/trace_writer.h>

namespace kernel::syscall {

/// "O_RDONLY|O_CREAT|O_CLOEXEC"; unknown bits are appended as "0x...".
void decode_open_flags(TraceWriter& out, uint64_t flags);
/// "0644", "0100755" style octal.
void decode_mode(TraceWriter& out, uint64_t mode);
/// "PROT_READ|PROT_WRITE", "PROT_NONE" for 0.
void decode_prot(TraceWriter& out, uint64_t prot);
/// "MAP_PRIVATE|MAP_ANONYMOUS".
void decode_mmap_flags(TraceWriter& out, uint64_t flags);

enum class CloneForm {
    kWithExitSignal,  ///< clone(): the low byte is the child's exit signal ("...|SIGCHLD")
    kFlagsOnly,       ///< unshare(), setns(), clone_args.flags
};
/// "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|SIGCHLD".
void decode_clone_flags(TraceWriter& out, uint64_t flags, CloneForm form);

/// "SIGINT", "SIGRTMIN+3", or the number when out of range ("0" for kill's probe signal).
void decode_signal(TraceWriter& out, int64_t sig);
/// Signal name or nullptr for numbers without one (0, negatives, > 64, realtime).
const char* signal_name(int64_t sig);
/// "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH", "0" for none.
void decode_at_flags(TraceWriter& out, uint64_t flags);
/// "AT_FDCWD" for -100, else the number.
void decode_dirfd(TraceWriter& out, int64_t fd);
/// "SEEK_SET" ..., else the number.
void decode_whence(TraceWriter& out, int64_t whence);
/// "F_SETFD" ..., else the number.
void decode_fcntl_cmd(TraceWriter& out, int64_t cmd);
/// "CLOCK_MONOTONIC" ..., else the number.
void decode_clock_id(TraceWriter& out, int64_t clock);
/// "WNOHANG|WUNTRACED", "0" for none.
void decode_wait_options(TraceWriter& out, uint64_t options);
/// "FUTEX_WAIT_PRIVATE", "FUTEX_WAKE|FUTEX_CLOCK_REALTIME".
void decode_futex_op(TraceWriter& out, uint64_t op);
/// "SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK", else the number.
void decode_sighow(TraceWriter& out, int64_t how);
/// "TCGETS", "TIOCGWINSZ" ..., else "0x...".
void decode_ioctl(TraceWriter& out, uint64_t request);

/// strerror-style text for an errno ("No such file or directory"), or nullptr if unknown.
const char* errno_text(int err);

}  // namespace kernel::syscall
