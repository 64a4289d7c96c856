// The life of a user thread: a kernel task that runs UserMode::execute() in a loop, dispatches
// syscalls, resolves page faults, and lets the signal subsystem act before each return to user.
#pragma once

#include <cstdint>

#include <ostd/common/ref.h>
#include <ostd/common/result.h>
#include <ostd/user/user_context.h>

#include <kernel/process/process.h>

namespace kernel {

/// Installed by the signal subsystem. Without it, faults kill the process with SIGSEGV and
/// restartable syscalls are restarted.
struct SignalHooks {
    /// True when the thread has a deliverable signal (makes execute() return kKernelEvent).
    bool (*has_pending)(Thread& thread) = nullptr;
    /// Called before every return to user mode. `syscall_ret` is the result of the syscall just
    /// handled (or nullptr when the loop did not come from a syscall): the hook decides restart
    /// vs EINTR for -ERESTART* values and may rewrite the context to run a handler, stop the
    /// thread, or request its exit.
    void (*before_user)(Thread& thread, ostd::UserContext& ctx, const int64_t* syscall_ret) =
        nullptr;
    /// A synchronous fault the kernel could not resolve: sig (SIGSEGV, SIGILL, SIGFPE, SIGTRAP,
    /// SIGBUS), si_code and faulting address.
    void (*force_signal)(Thread& thread, int sig, int si_code, uint64_t addr) = nullptr;
};
void set_signal_hooks(const SignalHooks* hooks);

/// Spawns the kernel task that runs `thread` from `ctx`. ENOMEM / EAGAIN from the scheduler.
ostd::Result<void> start_thread(ostd::Ref<Thread> thread, const ostd::UserContext& ctx);

/// Turns syscall tracing on or off (strace-like lines on the kernel log).
void set_syscall_trace(bool on);
bool syscall_trace_enabled();

/// exit(2)/fatal-signal helpers for handlers: record the thread's wait status and leave.
void exit_current_thread(Thread& thread, int wait_status);
/// Kills the whole process with a wait status (exit_group or a fatal signal).
void exit_process(Process& process, int wait_status);

}  // namespace kernel
