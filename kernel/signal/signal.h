// Signals, the public side: sending to a process or a thread, the hooks the process code calls
// on clone/exec, and the subsystem's init. Delivery itself runs from the user loop's SignalHooks.
// Lock order: tree lock (process_table.h) -> the signal lock (a leaf spinlock, internal).
#pragma once

#include <cstdint>

#include <ostd/common/result.h>

#include <kernel/abi/signal.h>
#include <kernel/process/process.h>

namespace kernel::signal {

/// Installs the SignalHooks and ProcessHooks. Call once per machine, after ProcessTable::init().
void init();

/// True for 1..64.
inline constexpr bool is_valid(int sig) {
    return sig >= 1 && sig <= abi::sig::kNsig;
}
inline constexpr abi::SigSet bit(int sig) {
    return abi::SigSet{1} << (sig - 1);
}

/// A siginfo for kill-like senders (SI_USER, SI_TKILL, SI_QUEUE, SI_KERNEL...).
abi::SigInfo make_info(int sig, int code, Pid pid = 0, uint32_t uid = 0);

/// Sends `sig` to a whole process (kill semantics): any thread not blocking it takes it.
/// Standard signals coalesce while pending; real-time ones queue (EAGAIN when no memory for a
/// queue entry). SIGKILL kills at once; SIGCONT resumes a stopped process; a signal the process
/// ignores is dropped. A zombie or exiting process accepts and drops the signal.
/// Precondition: task context (may allocate and take the tree lock). EINVAL for a bad number.
ostd::Result<void> send_signal(Process& process, int sig, const abi::SigInfo& info);
/// Like send_signal() but queued on one thread (tgkill, synchronous faults).
ostd::Result<void> send_signal_to_thread(Thread& thread, int sig, const abi::SigInfo& info);

/// True when `t` blocks `sig` or its process ignores it (SIG_IGN), as the tty's job control
/// asks before sending SIGTTIN/SIGTTOU (Linux is_ignored()). Task context.
bool is_ignored_or_blocked(Thread& t, int sig);

/// clone(CLONE_THREAD) created `child` in parent's process: it inherits parent's signal mask.
/// ENOMEM (the thread then starts with an empty mask, its state being created on first use).
ostd::Result<void> on_thread_created(Thread& parent, Thread& child);

/// execve succeeded: caught signals go back to SIG_DFL (ignored stay ignored), the handler
/// table is unshared (reset in place if there is no memory for a copy), the alternate stack
/// is cleared. Mask and pending signals are kept. Called after the point of no return.
void on_exec(Thread& thread);

}  // namespace kernel::signal
