// Syscall dispatch: the trapped registers (SyscallArgs), the per-call context handed to
// handlers, a table binding numbers to handlers, and dispatch(), the one place in the kernel
// that turns an ostd::Error into the -errno user space sees.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ostd/common/result.h>

namespace kernel {
// Defined by the process subsystem; syscall code only passes pointers along.
class Thread;
class Process;
}  // namespace kernel

namespace kernel::syscall {

class UserReader;

/// A syscall as trapped: number (rax) and the six argument registers
/// (rdi, rsi, rdx, r10, r8, r9) exactly as user space left them. dispatch() compares all 64
/// bits of nr; recent Linux entry code uses only eax, sign-extended (`movslq %eax`), so the
/// trap path should fill nr that way to match Linux for numbers with garbage upper bits.
struct SyscallArgs {
    int64_t nr = 0;
    uint64_t args[6] = {};

    /// Argument i as the C type the call declares. Upper bits of 32-bit arguments are garbage
    /// on x86-64 and must be ignored, so handlers read ints through these, not args[] directly.
    int32_t as_int(size_t i) const { return static_cast<int32_t>(args[i]); }
    uint32_t as_uint(size_t i) const { return static_cast<uint32_t>(args[i]); }
    int64_t as_long(size_t i) const { return static_cast<int64_t>(args[i]); }
};

/// Receives one strace-style line per dispatched syscall while tracing is on. emit() runs on
/// the syscall's own task, outside any lock the dispatcher holds (it holds none); it may sleep.
class SyscallTraceSink {
  public:
    /// `line` is NUL-terminated, without newline, valid only during the call.
    virtual void emit(const char* line, size_t len) = 0;

  protected:
    ~SyscallTraceSink() = default;
};

/// Everything a handler may reach about its caller. Passed explicitly (no "current" globals) so
/// handlers can be unit-tested with a hand-built context. Pointers are borrowed for the call:
/// the thread is kept alive by the task running the syscall; null fields mean "not available"
/// (unit tests) and handlers that need them fail with an error, never a crash.
struct SyscallContext {
    Thread* thread = nullptr;
    Process* process = nullptr;
    const UserReader* user = nullptr;
    /// Non-null: dispatch() traces every call through it (strings read through `user`).
    SyscallTraceSink* trace = nullptr;
};

/// A handler. Returns the non-negative result, or an Error. It must not return a value in
/// [-4095, -1] (user space would read it as an errno); dispatch() panics if one does.
using SyscallHandler = ostd::Result<int64_t> (*)(SyscallContext& ctx, const SyscallArgs& args);

/// Number -> handler. The kernel's table is built from syscalls.def (default_syscall_table());
/// tests build their own and bind() test handlers. Not locked: fill it before sharing it.
class SyscallTable {
  public:
    /// Numbers 0 .. kCapacity - 1 can be bound.
    static constexpr int kCapacity = 512;

    constexpr SyscallTable() = default;

    /// Binds `handler` to `nr`. Preconditions (panic otherwise): nr names a Linux x86-64
    /// syscall (find_syscall(nr) != nullptr), nr is not bound yet, handler is not null.
    void bind(int nr, SyscallHandler handler);

    /// The handler for `nr`, or nullptr when nr is unbound, a gap, negative or too large.
    SyscallHandler handler(int64_t nr) const {
        return (nr < 0 || nr >= kCapacity) ? nullptr : handlers_[nr];
    }

    /// Number of bound numbers.
    size_t bound_count() const;

  private:
    SyscallHandler handlers_[kCapacity] = {};
};

/// The kernel's table: every syscalls.def row whose status is not Enosys, bound to its handler.
const SyscallTable& default_syscall_table();

/// Runs one syscall. Unknown, unbound, negative or out-of-range numbers return -ENOSYS (user
/// input never panics). A handler's Error(e) becomes -e. Result is what goes back in rax.
/// With ctx.trace set, emits `name(args) = ret` after the call; calls that do not return
/// (exit, exit_group) are emitted before the handler runs, as `exit_group(0) = ?`.
int64_t dispatch(const SyscallTable& table, SyscallContext& ctx, const SyscallArgs& args);

/// dispatch() on default_syscall_table().
int64_t dispatch(SyscallContext& ctx, const SyscallArgs& args);

}  // namespace kernel::syscall
