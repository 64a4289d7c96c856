// How a syscall argument is typed and shown: the vocabulary of syscalls.def's argument lists.
#pragma once

#include <cstdint>

namespace kernel::syscall {

/// The kind of one syscall argument. Drives the tracer's decoding; later also fuzz generators.
enum class ArgKind : uint8_t {
    None = 0,     ///< no argument in this slot
    Int,          ///< signed 32-bit value
    Uint,         ///< unsigned value, shown in decimal
    Hex,          ///< flags or opaque bits without a dedicated decoder, shown in hex
    Fd,           ///< file descriptor (int)
    DirFd,        ///< directory fd for *at() calls; -100 is AT_FDCWD
    Ptr,          ///< a user address that is not dereferenced by the tracer
    PtrIn,        ///< user memory the kernel reads (struct, array)
    PtrOut,       ///< user memory the kernel writes
    BufIn,        ///< user bytes the kernel reads; the next argument is their length
    Path,         ///< NUL-terminated user path name
    Str,          ///< NUL-terminated user string that is not a path
    Size,         ///< size_t byte or element count
    Off,          ///< off_t / loff_t file offset (signed)
    OpenFlags,    ///< O_* flags
    Mode,         ///< file mode bits, shown in octal
    Prot,         ///< PROT_* bits
    MmapFlags,    ///< MAP_* flags
    CloneFlags,   ///< CLONE_* flags, low byte is the exit signal for clone()
    Signal,       ///< signal number
    Pid,          ///< process / thread id (signed: 0 and negatives select groups)
    Whence,       ///< SEEK_*
    FcntlCmd,     ///< F_* fcntl command
    AtFlags,      ///< AT_* flags
    ClockId,      ///< CLOCK_* id
    Ioctl,        ///< ioctl request number
    Uid,          ///< user or group id (-1 means "unchanged")
    WaitOptions,  ///< WNOHANG | WUNTRACED | ...
    FutexOp,      ///< FUTEX_* op with PRIVATE / CLOCK_REALTIME bits
    SigHow,       ///< SIG_BLOCK / SIG_UNBLOCK / SIG_SETMASK
    SigsetIn,     ///< user sigset_t the kernel reads, shown as [INT TERM]
    SigactionIn,  ///< user struct sigaction (kernel layout) the kernel reads
    TimespecIn,   ///< user struct timespec the kernel reads
    Argv,         ///< user NULL-terminated array of string pointers (execve argv / envp)
};

/// Symbolic name of a kind ("Fd"), for tables and test messages.
const char* arg_kind_name(ArgKind kind);

}  // namespace kernel::syscall
