// Decoders for syscall arguments that live in user memory: strings, byte buffers, argv arrays,
// timespec, sigset and struct sigaction. Unreadable memory is shown as the address (strace's
// convention), never an error: tracing must not change what the traced call does.
#pragma once

#include <cstddef>
#include <cstdint>

#include <kernel/syscall/trace_writer.h>
#include <kernel/syscall/user_reader.h>

namespace kernel::syscall {

/// Longest string or buffer shown before "..." (paths get kTraceMaxPath).
inline constexpr size_t kTraceMaxString = 32;
inline constexpr size_t kTraceMaxPath = 256;
/// Most argv entries shown before "...".
inline constexpr size_t kTraceMaxArgv = 8;

/// A NUL-terminated string: "text", "text"... when longer than `limit` or cut by a fault.
void decode_user_string(TraceWriter& out, const UserReader* user, uint64_t addr, size_t limit);
/// `len` bytes (write's buffer): "bytes", "bytes"... past kTraceMaxString.
void decode_user_buffer(TraceWriter& out, const UserReader* user, uint64_t addr, uint64_t len);
/// ["ls", "-l"], with "..." after kTraceMaxArgv entries.
void decode_user_argv(TraceWriter& out, const UserReader* user, uint64_t addr);
/// {tv_sec=1, tv_nsec=500}
void decode_user_timespec(TraceWriter& out, const UserReader* user, uint64_t addr);
/// [INT TERM]; `size` is the caller's sigsetsize (anything but 8 shows the address).
void decode_user_sigset(TraceWriter& out, const UserReader* user, uint64_t addr, uint64_t size);
/// {sa_handler=SIG_IGN, sa_mask=[CHLD], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x401000}
void decode_user_sigaction(TraceWriter& out, const UserReader* user, uint64_t addr);

/// A signal mask value: [INT TERM], or ~[KILL STOP] when most signals are set.
void decode_sigset_value(TraceWriter& out, uint64_t mask);

/// NULL for 0, else 0x-prefixed hex.
void decode_pointer(TraceWriter& out, uint64_t addr);

}  // namespace kernel::syscall
