// Signal operations behind the syscalls: actions, masks, pending sets, the alternate stack and
// the waits (pause, sigsuspend, sigtimedwait). Syscall handlers copy arguments and call these.
#pragma once

#include <cstdint>

#include <ostd/common/result.h>

#include <kernel/abi/signal.h>
#include <kernel/process/process.h>

namespace kernel::signal {

/// rt_sigaction core: installs *act (if non-null) and returns the previous action.
/// EINVAL: bad number, or a handler for SIGKILL/SIGSTOP. ENOMEM.
ostd::Result<abi::KernelSigaction> set_action(Thread& t, int sig, const abi::KernelSigaction* act);
/// rt_sigprocmask core: applies `how` with *set (if non-null); returns the previous mask.
/// EINVAL for a bad `how` (only checked with a set). SIGKILL/SIGSTOP are never blocked.
ostd::Result<abi::SigSet> change_mask(Thread& t, int how, const abi::SigSet* set);
/// Blocked signals pending on the thread or its process (rt_sigpending).
abi::SigSet pending_blocked(Thread& t);
/// sigaltstack core: applies *ss (if non-null) and returns the previous setting as reported
/// to user space. EPERM while running on the alternate stack, EINVAL flags, ENOMEM size.
ostd::Result<abi::StackT> alt_stack(Thread& t, const abi::StackT* ss);
/// pause(2): sleeps until a signal is delivered; always ERESTARTNOHAND.
ostd::Result<int64_t> pause(Thread& t);
/// rt_sigsuspend(2): replaces the mask until a signal arrives; ERESTARTNOHAND (the old mask
/// comes back after the handler).
ostd::Result<int64_t> suspend(Thread& t, abi::SigSet mask);
/// ppoll/pselect6/epoll_pwait(2) (Linux set_user_sigmask): installs `mask` for the coming wait,
/// keeping the old mask to restore. A signal the new mask unblocks that is already pending
/// interrupts the wait at once. Pair with end_wait_mask(). ENOMEM.
ostd::Result<void> begin_wait_mask(Thread& t, abi::SigSet mask);
/// After the wait (restore_saved_sigmask_unless): when `interrupted`, the old mask comes back
/// only after the signal is handled (the handler runs with the wait's mask and its frame
/// records the old one); otherwise it comes back now.
void end_wait_mask(Thread& t, bool interrupted);
/// rt_sigtimedwait(2): takes a pending signal of `set` (waiting up to timeout_ns, kNoTimeout =
/// forever) and returns its number with *info. EAGAIN on timeout, EINTR when another signal
/// interrupts.
ostd::Result<int> timed_wait(Thread& t, abi::SigSet set, uint64_t timeout_ns, abi::SigInfo* info);

}  // namespace kernel::signal
