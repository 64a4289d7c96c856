// Host side of the HostCallQueue: run a callable on a kernel worker task from a host thread
// (a FUSE worker) and block until it finished.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <type_traits>

#include <kernel/fs/export/host_call.h>

namespace orrery::harness {

/// Runs `fn()` on a kernel task and waits. False when the machine is not serving calls (not
/// started yet, or shutting down): then `fn` did not run.
template <typename F>
bool run_in_kernel_task(F&& fn) {
    struct Call : kernel::fs::exporter::HostCall {
        std::remove_reference_t<F>* fn = nullptr;
        std::atomic<int> finished{0};
    } call;
    call.fn = &fn;
    call.run = [](kernel::fs::exporter::HostCall& h) { (*static_cast<Call&>(h).fn)(); };
    // The waiter may return (and its stack frame die) as soon as `finished` is set, so the wake
    // only hands the address to the host kernel, which never reads it for FUTEX_WAKE.
    call.done = [](kernel::fs::exporter::HostCall& h) {
        auto* flag = &static_cast<Call&>(h).finished;
        flag->store(1, std::memory_order_release);
        syscall(SYS_futex, flag, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    };
    if (!kernel::fs::exporter::HostCallQueue::submit(call)) return false;
    while (call.finished.load(std::memory_order_acquire) == 0)
        syscall(SYS_futex, &call.finished, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    return !call.cancelled;
}

}  // namespace orrery::harness
