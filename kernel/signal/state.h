// Signal state, the internal side: the handler table (shared by CLONE_SIGHAND), per-process
// and per-thread pending sets with queued siginfo, masks, the alternate stack, job-control stop.
// Everything here is guarded by one leaf spinlock, g_lock: no sleeping, allocation or user
// copies while holding it. State objects hang off Process::signal_state / Thread::signal_state.
#pragma once

#include <atomic>
#include <cstdint>

#include <ostd/common/ref.h>
#include <ostd/sync/intrusive_list.h>
#include <ostd/sync/spinlock.h>
#include <ostd/sync/wait_queue.h>
#include <ostd/task/task.h>
#include <ostd/timer/timer.h>

#include <kernel/abi/signal.h>
#include <kernel/abi/time.h>
#include <kernel/process/process.h>
#include <kernel/signal/signal.h>

namespace kernel::signal {

extern ostd::SpinLock g_lock;

inline constexpr abi::SigSet kUnblockable = bit(abi::sig::kKill) | bit(abi::sig::kStop);
inline constexpr abi::SigSet kStopSignals =
    bit(abi::sig::kStop) | bit(abi::sig::kTstp) | bit(abi::sig::kTtin) | bit(abi::sig::kTtou);
inline constexpr abi::SigSet kSynchronous = bit(abi::sig::kSegv) | bit(abi::sig::kBus) |
                                            bit(abi::sig::kIll) | bit(abi::sig::kTrap) |
                                            bit(abi::sig::kFpe) | bit(abi::sig::kSys);

enum class DefaultAction : uint8_t { kTerminate, kCore, kStop, kContinue, kIgnore };
DefaultAction default_action(int sig);

/// One queued siginfo. Allocated outside the lock, linked under it.
struct PendingNode : ostd::HeapObject {
    abi::SigInfo info{};
    ostd::ListNode link;
};

/// A pending set: the bit says "pending", queued nodes carry the siginfo (real-time signals may
/// have several; a standard signal at most one; a bit without node gets a minimal siginfo).
struct Pending {
    abi::SigSet set ORRERY_GUARDED_BY(g_lock) = 0;
    ostd::IntrusiveList<PendingNode, &PendingNode::link> queue ORRERY_GUARDED_BY(g_lock);

    /// Removes sig (its first queued entry) and fills *info. Returns the node to free after
    /// unlocking (or null). Precondition: sig is in set; g_lock held.
    PendingNode* take(int sig, abi::SigInfo* info) ORRERY_REQUIRES(g_lock);
    /// Drops every entry of the signals in `mask`; unlinked nodes are chained into *freed.
    void discard(abi::SigSet mask, ostd::IntrusiveList<PendingNode, &PendingNode::link>* freed)
        ORRERY_REQUIRES(g_lock);
};

/// Frees nodes collected under the lock, after it is released.
void free_nodes(ostd::IntrusiveList<PendingNode, &PendingNode::link>& nodes);

/// The sigaction table; shared between processes created with CLONE_SIGHAND.
struct Handlers : ostd::RefCounted<Handlers> {
    abi::KernelSigaction action[abi::sig::kNsig] ORRERY_GUARDED_BY(g_lock) = {};  // sig - 1.
    abi::KernelSigaction& of(int sig) ORRERY_REQUIRES(g_lock) { return action[sig - 1]; }
};

/// The ITIMER_REAL timer of a process. The callback runs in IRQ context: it only sets `fired`
/// and interrupts `target` (the task of a live thread of the process), which then sends SIGALRM
/// from task context (see flush_deferred()).
struct RealTimer {
    explicit RealTimer(void* owner) : timer(&fire, owner) {}
    static void fire(void* owner);
    ostd::Timer timer;
    ostd::SpinLock lock;  // IRQ-safe (SpinLockIrqGuard): guards the fields below.
    uint64_t interval_ns ORRERY_GUARDED_BY(lock) = 0;      // Re-arm period, 0 for one-shot.
    ostd::Task* target ORRERY_GUARDED_BY(lock) = nullptr;  // A live thread's task.
    Pid target_tid ORRERY_GUARDED_BY(lock) = 0;
    std::atomic<bool> fired{false};
};

/// A CPU-time interval timer: expires when the process's CPU clock reaches deadline_ns.
struct CpuTimer {
    uint64_t deadline_ns = 0;  // 0: disarmed.
    uint64_t interval_ns = 0;
};

struct ProcessSignals : ostd::HeapObject {
    explicit ProcessSignals(ostd::Ref<Handlers> h) : handlers(std::move(h)), real(this) {}
    ostd::Ref<Handlers> handlers ORRERY_GUARDED_BY(g_lock);
    Pending shared;
    std::atomic<bool> stopped{false};  // Group stop in effect.
    ostd::WaitQueue continued;         // Stopped threads sleep here until SIGCONT / SIGKILL.
    RealTimer real;
    // ITIMER_VIRTUAL / ITIMER_PROF in process CPU time (user / user+system ns), checked on
    // the way back to user mode while `cpu_armed` (flush_deferred()).
    CpuTimer virt ORRERY_GUARDED_BY(g_lock);
    CpuTimer prof ORRERY_GUARDED_BY(g_lock);
    std::atomic<bool> cpu_armed{false};
};

struct ThreadSignals : ostd::HeapObject {
    abi::SigSet blocked ORRERY_GUARDED_BY(g_lock) = 0;
    // Mask to restore after rt_sigsuspend's handler (or its restart).
    abi::SigSet saved_mask ORRERY_GUARDED_BY(g_lock) = 0;
    bool restore_mask ORRERY_GUARDED_BY(g_lock) = false;
    Pending pending;
    abi::StackT altstack ORRERY_GUARDED_BY(g_lock){0, abi::ss::kDisable, 0, 0};
    // Details of the last forced fault, for the sigframe's trapno/err/cr2.
    int fault_sig ORRERY_GUARDED_BY(g_lock) = 0;
    uint64_t fault_err ORRERY_GUARDED_BY(g_lock) = 0;
    uint64_t fault_addr ORRERY_GUARDED_BY(g_lock) = 0;
};

/// The state of a process / thread, created on first use. Null once the process / thread is
/// gone (exited) or when there is no memory. Precondition: g_lock NOT held.
ProcessSignals* process_state(Process& p) ORRERY_EXCLUDES(g_lock);
ThreadSignals* thread_state(Thread& t) ORRERY_EXCLUDES(g_lock);
/// The same, without creating. Precondition: g_lock held.
ProcessSignals* process_state_locked(Process& p) ORRERY_REQUIRES(g_lock);
ThreadSignals* thread_state_locked(Thread& t) ORRERY_REQUIRES(g_lock);

/// Signals of `t` that are pending and not blocked. g_lock held.
abi::SigSet deliverable_locked(Thread& t) ORRERY_REQUIRES(g_lock);
/// Sends SIGALRM if t's process timer fired. Task context, g_lock not held.
void flush_deferred(Thread& t);
/// Clears t's task interrupt unless a signal is deliverable or t is exiting. g_lock not held.
void settle_interrupt(Thread& t);
/// Interrupts t's task (pending signal) and wakes it. g_lock may be held.
void kick(Thread& t);

/// Releases a process's / thread's state (exit). Called from the process hooks.
void release_process(Process& p);
void release_thread(Thread& t);
/// fork hook: copies or shares (CLONE_SIGHAND) the handler table; child's thread gets the mask.
ostd::Result<void> fork_state(Process& parent, Process& child, uint64_t clone_flags);

/// ITIMER_REAL bookkeeping when a thread exits (retargets the timer).
void timer_thread_exit(Thread& t);
/// Disarms ITIMER_REAL for good (no re-arm by a callback running concurrently).
void stop_real_timer(ProcessSignals& ps);

}  // namespace kernel::signal
