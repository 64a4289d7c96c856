// Delivery: picking the next signal on the way back to user mode, default actions, syscall
// restart, group stop, handler frames (frame.cpp) and rt_sigreturn.
#pragma once

#include <ostd/user/user_context.h>

#include <kernel/signal/state.h>

namespace kernel::signal {

/// SignalHooks::has_pending.
bool has_pending(Thread& t);
/// SignalHooks::before_user.
void before_user(Thread& t, ostd::UserContext& ctx, const int64_t* syscall_ret);
/// SignalHooks::force_signal: a synchronous fault. A blocked or ignored one kills.
void force_signal(Thread& t, int sig, int si_code, uint64_t addr);

/// A dequeued signal with a user handler to run.
struct Delivery {
    int sig = 0;
    abi::SigInfo info{};
    abi::KernelSigaction action{};
    abi::SigSet old_mask = 0;  // Mask the handler's sigreturn restores.
    abi::StackT altstack{};    // The alternate stack as it was before delivery.
    uint64_t trapno = 0, err = 0, cr2 = 0;
};

/// Writes the rt_sigframe and points ctx at the handler. EFAULT when the stack is unusable.
ostd::Result<void> setup_frame(Thread& t, ostd::UserContext& ctx, const Delivery& d);
/// rt_sigreturn: restores registers, mask and alternate stack from the frame at rsp - 8.
/// Returns the restored rax. A bad frame forces SIGSEGV.
ostd::Result<int64_t> sigreturn(Thread& t);

/// Blocks until a signal is deliverable to t (or t is exiting). ETIMEDOUT after timeout_ns.
ostd::Result<void> wait_for_signal(Thread& t, uint64_t timeout_ns);

}  // namespace kernel::signal
